package io.taskq.error;

import java.util.List;

/** The request contradicts the current state: a stale lease, a finished task, a changed definition. */
public final class Conflict extends TaskqException {
  public Conflict(String type, String detail) {
    super(409, type, "Conflict", detail, List.of());
  }

  public static Conflict leaseNotHeld(long taskId, String status) {
    return new Conflict("lease-conflict",
        "the lease is not the live lease of task " + taskId + " (its status is " + status
            + "); it expired, was superseded by a newer claim, or the task was finished");
  }
}
