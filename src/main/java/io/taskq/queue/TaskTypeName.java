package io.taskq.queue;

/** The spelling of a task type's name, as the task_types_name_format CHECK has it. */
public final class TaskTypeName {

  static final int MAX_LENGTH = 200;

  private TaskTypeName() {
  }

  /** {@code [A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}}, read with a loop: claims check every entry of their types list. */
  public static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH || !isAlphanumeric(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isAlphanumeric(c) && c != '_' && c != '.' && c != ':' && c != '/' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlphanumeric(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }
}
