package io.taskq.queue;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a task depends on a prerequisite. {@code requires} and {@code blocks} hold the task until
 * the prerequisite completes; they differ when it fails for good or is cancelled: a
 * {@code requires} dependent is cancelled with it, a {@code blocks} dependent keeps waiting for a
 * retry or the removal of the link. {@code suggests} only records the link.
 */
public enum LinkType {
  REQUIRES("requires"), BLOCKS("blocks"), SUGGESTS("suggests");

  private final String wireName;

  LinkType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public boolean holds() {
    return this != SUGGESTS;
  }

  public static Optional<LinkType> fromWire(String value) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(value)).findFirst();
  }
}
