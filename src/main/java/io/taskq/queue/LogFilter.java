package io.taskq.queue;

import java.time.Instant;

/**
 * The cross-task audit's filters (null: no filter) and its keyset: entries strictly older than
 * ({@code beforeAt}, {@code beforeId}), newest first; {@code since} inclusive, {@code until} exclusive.
 */
public record LogFilter(String event, String workerId, Long taskId, Instant since, Instant until, Instant beforeAt,
    Long beforeId, int limit) {
}
