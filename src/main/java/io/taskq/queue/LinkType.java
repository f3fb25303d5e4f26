package io.taskq.queue;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a task depends on a prerequisite. {@code requires} and {@code blocks} hold the task until
 * the prerequisite completes; they differ when it fails for good or is cancelled: a
 * {@code requires} dependent is cancelled with it, a {@code blocks} dependent keeps waiting for a
 * retry or the removal of the link. {@code suggests} only records the link. {@code child} is
 * never declared: it links a parent that completes with its children to each child (the parent
 * is the dependent), holds like {@code requires}, and fails the parent when the child fails for
 * good or is cancelled.
 */
public enum LinkType {
  REQUIRES("requires"), BLOCKS("blocks"), SUGGESTS("suggests"), CHILD("child");

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

  /** A type a client may declare in depends_on (not {@code child}, which comes with parent_id). */
  public static Optional<LinkType> fromWire(String value) {
    return ofStored(value).filter(t -> t != CHILD);
  }

  /** Any type a stored link may have. */
  public static Optional<LinkType> ofStored(String value) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(value)).findFirst();
  }
}
