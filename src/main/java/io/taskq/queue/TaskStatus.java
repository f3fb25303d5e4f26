package io.taskq.queue;

import java.util.Locale;
import java.util.Optional;

/** The life of a task. {@code blocked} is reserved for dependencies. */
public enum TaskStatus {
  PENDING, CLAIMED, COMPLETED, FAILED, CANCELLED, BLOCKED;

  /**
   * Every task row read and every task answered names its status: the names are computed once,
   * and read back without a stream (a stream and a lower-casing per row were 2% of the claim
   * loop's samples).
   */
  private final String wire = name().toLowerCase(Locale.ROOT);
  private static final TaskStatus[] ALL = values();

  public String wireName() {
    return wire;
  }

  public static Optional<TaskStatus> fromWire(String value) {
    for (TaskStatus status : ALL) {
      if (status.wire.equals(value)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  public static TaskStatus of(String wire) {
    return fromWire(wire).orElseThrow(() -> new IllegalStateException("unknown task status " + wire));
  }
}
