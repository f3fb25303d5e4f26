package io.taskq.queue;

import java.time.Instant;
import java.util.UUID;

/**
 * One attempt of a task: a claim and the event that ended it, read from the task's log.
 * {@code number} counts the task's claims from 1 over its whole life (a retry resets the task's
 * attempt counter, not this one); {@code finishedAt} and {@code durationMs} are null while it runs.
 */
public record Attempt(int number, String workerId, UUID leaseId, Instant claimedAt, Instant finishedAt, Long durationMs,
    String outcome, String error) {
}
