package io.taskq.queue;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a bulk request recognises a task that already exists. External ids and live dedupe keys
 * are always unique (the database enforces them); the title strategies add a check on
 * lower(title), and on the milestone too.
 */
public enum DuplicateStrategy {
  EXTERNAL_ID, TITLE, TITLE_AND_MILESTONE, NONE;

  public String wireName() {
    return name().toLowerCase();
  }

  public static Optional<DuplicateStrategy> fromWire(String value) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(value)).findFirst();
  }
}
