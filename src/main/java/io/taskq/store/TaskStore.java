package io.taskq.store;

import io.taskq.config.RetryPolicy;
import io.taskq.queue.DuplicateStrategy;
import io.taskq.queue.NewTask;
import io.taskq.queue.Task;
import io.taskq.queue.TaskFilter;
import io.taskq.queue.TaskLog;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The tasks aggregate (tasks with their audit trail). Every state change writes its log row in the same statement. */
public interface TaskStore {

  /** A task and whether this call created it (false: an existing task with the same identity). */
  record Insertion(Task task, boolean created) {
  }

  /**
   * The outcome of a guarded state change: whether it applied, and the task as it now is
   * (as it was found, when it did not apply); empty when no such task exists.
   */
  record Transition(boolean applied, Optional<Task> task) {
  }

  /**
   * Of a bulk insert: the tasks created, by the index of their item, and the existing tasks
   * that the skipped items may have collided with (by external id, live dedupe key or title).
   */
  record BulkInsertion(Map<Integer, Task> created, List<Task> existing) {
  }

  Future<Insertion> insertIfAbsent(long projectId, NewTask task);

  /** Inserts all items in one transaction; items colliding with stored tasks are skipped. */
  Future<BulkInsertion> insertAllIfAbsent(long projectId, List<NewTask> tasks, DuplicateStrategy strategy);

  Future<Optional<Task>> find(long projectId, long taskId);

  Future<List<Task>> list(long projectId, TaskFilter filter);

  /** The task's log from {@code after} on, oldest first; empty when the task does not exist. */
  Future<Optional<List<TaskLog>>> logs(long projectId, long taskId, long after, int limit);

  /** Claims up to {@code limit} claimable tasks in claim order; types empty means any type. */
  Future<List<Task>> claimAvailable(long projectId, String workerId, List<String> types, int limit, Integer leaseSeconds);

  Future<Transition> heartbeatIfLeaseHeld(long projectId, long taskId, UUID leaseId, Integer leaseSeconds);

  Future<Transition> completeIfLeaseHeld(long projectId, long taskId, UUID leaseId, Object result);

  Future<Transition> failIfLeaseHeld(long projectId, long taskId, UUID leaseId, String error, boolean retryable, RetryPolicy retry);

  Future<Transition> cancelIfUnfinished(long projectId, long taskId);

  Future<Transition> retryIfFinishedUnsuccessfully(long projectId, long taskId);

  /** Returns up to {@code limit} tasks whose lease lapsed to the queue (or fails them); safe on many instances at once. */
  Future<List<Task>> sweepExpiredLeases(int limit);
}
