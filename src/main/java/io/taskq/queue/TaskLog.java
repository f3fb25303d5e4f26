package io.taskq.queue;

import java.time.Instant;

/** One entry of a task's audit trail. */
public record TaskLog(long id, long taskId, String event, String workerId, String message, Object metadata, Instant createdAt) {
}
