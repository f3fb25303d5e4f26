package io.taskq.stats;

/** How many tasks of a project have this type (null: untyped), status and number of attempts. */
public record GroupCount(String type, String status, int attempts, long tasks) {
}
