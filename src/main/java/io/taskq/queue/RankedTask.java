package io.taskq.queue;

/** A task found by a full-text search, with its rank for that search. */
public record RankedTask(Task task, float rank) {
}
