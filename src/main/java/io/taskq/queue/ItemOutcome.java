package io.taskq.queue;

import io.taskq.error.Conflict;
import io.taskq.error.NotFound;
import io.taskq.error.TaskqException;
import java.util.Optional;

/**
 * What happened to one item of a batch of lease-holder changes. Items are independent: one
 * stale lease does not fail the others.
 *
 * @param task the task as it now is (or as found, when the change did not apply); empty when not found
 */
public record ItemOutcome(long taskId, Kind kind, Optional<Task> task) {

  public enum Kind {
    COMPLETED, FAILED, LEASE_CONFLICT, NOT_FOUND;

    public String wireName() {
      return name().toLowerCase();
    }
  }

  /** The problem this outcome stands for, when it is not a success. */
  public TaskqException problem(long id) {
    return switch (kind) {
      case NOT_FOUND -> new NotFound("task " + id + " not found");
      case LEASE_CONFLICT -> Conflict.leaseNotHeld(id, task.map(t -> t.status().wireName()).orElse("unknown"));
      case COMPLETED, FAILED -> throw new IllegalStateException("not a problem: " + kind);
    };
  }
}
