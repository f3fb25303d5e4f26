package io.taskq.queue;

import java.util.UUID;

/** A failed attempt reported by a lease holder. */
public record AttemptFailure(long projectId, long taskId, UUID leaseId, String error, boolean retryable) {
}
