package io.taskq.queue;

import io.taskq.error.Conflict;
import io.taskq.error.Invalid;
import io.taskq.error.NotFound;
import io.taskq.error.TaskqException;
import java.util.Optional;

/**
 * What happened to one item of a batch of lease-holder changes. Items are independent: one
 * stale lease, or one value the database refuses, does not fail the others.
 *
 * @param task the task as it now is (or as found, when the change did not apply); empty when not
 *     found or when the item was refused
 * @param refusal why the item was refused ({@link Kind#INVALID}); its pointers are relative to the item
 */
public record ItemOutcome(long taskId, Kind kind, Optional<Task> task, Optional<Invalid> refusal) {

  public enum Kind {
    COMPLETED, FAILED, LEASE_CONFLICT, NOT_FOUND, INVALID;

    public String wireName() {
      return name().toLowerCase();
    }
  }

  public ItemOutcome(long taskId, Kind kind, Optional<Task> task) {
    this(taskId, kind, task, Optional.empty());
  }

  static ItemOutcome invalid(long taskId, Invalid refusal) {
    return new ItemOutcome(taskId, Kind.INVALID, Optional.empty(), Optional.of(refusal));
  }

  /** The problem this outcome stands for, when it is not a success. */
  public TaskqException problem(long id) {
    return switch (kind) {
      case NOT_FOUND -> new NotFound("task " + id + " not found");
      case LEASE_CONFLICT -> Conflict.leaseNotHeld(id, task.map(t -> t.status().wireName()).orElse("unknown"));
      case INVALID -> refusal.orElseThrow();
      case COMPLETED, FAILED -> throw new IllegalStateException("not a problem: " + kind);
    };
  }
}
