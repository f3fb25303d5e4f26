package io.taskq.worker;

import io.taskq.queue.TaskStatus;

/**
 * A lease a worker handed back: where its task went (pending, or failed on its last attempt) and
 * how many blocked tasks requiring it were cancelled because it failed for good. A null status:
 * the task was left claimed this time (see {@code WorkerSql.RELEASE}).
 */
public record ReleasedLease(long taskId, TaskStatus status, long cascaded) {
}
