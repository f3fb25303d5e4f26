package io.taskq.queue;

import java.util.Arrays;
import java.util.Optional;

/** The life of a task. {@code blocked} is reserved for dependencies. */
public enum TaskStatus {
  PENDING, CLAIMED, COMPLETED, FAILED, CANCELLED, BLOCKED;

  public String wireName() {
    return name().toLowerCase();
  }

  public static Optional<TaskStatus> fromWire(String value) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(value)).findFirst();
  }

  public static TaskStatus of(String wire) {
    return fromWire(wire).orElseThrow(() -> new IllegalStateException("unknown task status " + wire));
  }
}
