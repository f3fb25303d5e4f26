package io.taskq.queue;

import java.util.regex.Pattern;

/** The spelling of a task type's name, as the task_types_name_format CHECK has it. */
public final class TaskTypeName {

  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}");

  private TaskTypeName() {
  }

  public static boolean isValid(String name) {
    return name != null && FORMAT.matcher(name).matches();
  }
}
