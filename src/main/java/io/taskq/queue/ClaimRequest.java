package io.taskq.queue;

/** One claim request's share of a combined claim: who claims, how many tasks at most, for how long (null: the task's own). */
public record ClaimRequest(String workerId, int limit, Integer leaseSeconds) {
}
