package io.taskq.queue;

import java.util.UUID;

/** A completion by a lease holder; {@code result} is any JSON value or null. */
public record Completion(long projectId, long taskId, UUID leaseId, Object result) {
}
