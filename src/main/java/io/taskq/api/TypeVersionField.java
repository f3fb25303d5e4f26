package io.taskq.api;

import io.taskq.queue.TaskTypeVersion;
import java.util.Optional;

/** Reads a task type version from a body: a string (see {@link TaskTypeVersion}), or a whole number meaning its decimal string. */
final class TypeVersionField {

  private TypeVersionField() {
  }

  /** The version's text, or null when absent (a fault when required) or wrong (a fault). */
  static String read(Fields f, String name, boolean required) {
    Object value = f.any(name);
    if (value == null) {
      if (required) {
        f.fault(name, name + " is required");
      }
      return null;
    }
    if (value instanceof String s) {
      Optional<String> fault = TaskTypeVersion.fault(s);
      fault.ifPresent(message -> f.fault(name, name + " " + message));
      return fault.isPresent() ? null : s;
    }
    if (value instanceof Number n) {
      Optional<String> text = TaskTypeVersion.ofNumber(n);
      if (text.isEmpty()) {
        f.fault(name, name + " given as a number must be a whole number from 0 to " + Long.MAX_VALUE
            + "; give any other version as a string");
      }
      return text.orElse(null);
    }
    f.fault(name, name + " must be a string such as \"1.0.0\" (a whole number is read as its decimal string)");
    return null;
  }
}
