package io.taskq.store;

import io.taskq.config.RetryPolicy;
import io.taskq.error.Conflict;
import io.taskq.error.Invalid;
import io.taskq.error.NotFound;
import io.taskq.queue.AttemptFailure;
import io.taskq.queue.ClaimRequest;
import io.taskq.queue.Completion;
import io.taskq.queue.DuplicateStrategy;
import io.taskq.queue.NewTask;
import io.taskq.queue.Task;
import io.taskq.queue.RankedTask;
import io.taskq.queue.TaskFilter;
import io.taskq.queue.TaskSearch;
import io.taskq.queue.TaskLog;
import io.taskq.queue.TaskStatus;
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
   * (as it was found, when it did not apply); empty when no such task exists. {@code released}:
   * the blocked dependents its completion released; {@code cascaded}: the dependents that
   * required it and were cancelled because it failed for good or was cancelled.
   * {@code completedParents}: the parents that completed with this completion, their last child's
   * (whose own dependents {@link #releaseAfterParents} releases).
   */
  record Transition(boolean applied, Optional<Task> task, int released, int cascaded, List<Long> completedParents) {

    public Transition(boolean applied, Optional<Task> task) {
      this(applied, task, 0, 0);
    }

    public Transition(boolean applied, Optional<Task> task, int released, int cascaded) {
      this(applied, task, released, cascaded, List.of());
    }
  }

  /** Of {@link #releaseAfterParents}: the dependents released, and the parents that completed in turn. */
  record ParentRelease(int released, List<Long> completedParents) {
  }

  /** Of a cancel by filter: the tasks cancelled, and the blocked tasks that required them and were cancelled too. */
  record Cancellation(int cancelled, int cascaded) {
  }

  /**
   * Of a bulk insert: the tasks created, by the index of their item, and the existing tasks
   * that the skipped items may have collided with (by external id, live dedupe key or title).
   */
  record BulkInsertion(Map<Integer, Task> created, List<Task> existing) {
  }

  Future<Insertion> insertIfAbsent(long projectId, NewTask task);

  /**
   * Whether a failure says the database refused the content of what it was given (a value it
   * cannot hold, a rule of the stored data, a reference to nothing): the doing of some item,
   * not of the database's state. A batch refused so wrote nothing, and its items, run apart,
   * succeed or fail apart ({@link io.taskq.coalesce.Isolation}). Every other failure (the
   * database unreachable or busy, a bug) is not: the batch may even have committed.
   */
  static boolean refusedForContent(Throwable failure) {
    return failure instanceof Invalid || failure instanceof Conflict || failure instanceof NotFound;
  }

  /**
   * Inserts tasks of independent requests in one statement (the group commit of concurrent
   * creates). Each task that collides gets what {@link #insertIfAbsent} gives it alone (the
   * task holding its identity), so the others are not held to its fate. When the statement
   * fails, the answer fails whole; a refusal of the content ({@link #refusedForContent}) is
   * for the caller to isolate. Every answer in the list is complete when the list is.
   */
  Future<List<Future<Insertion>>> insertEachIfAbsent(long projectId, List<NewTask> tasks);

  /** Inserts all items in one transaction; items colliding with stored tasks are skipped. */
  Future<BulkInsertion> insertAllIfAbsent(long projectId, List<NewTask> tasks, DuplicateStrategy strategy);

  /**
   * Which of these tasks the database refuses to store, and why (by index in the list), found
   * without storing any of them: the search after {@link #insertAllIfAbsent} was refused, so
   * that the answer can name the faulty items. Empty when each part is accepted on its own.
   */
  Future<Map<Integer, Invalid>> findRefusedInsertions(long projectId, List<NewTask> tasks);

  Future<Optional<Task>> find(long projectId, long taskId);

  Future<List<Task>> list(long projectId, TaskFilter filter);

  /** A page of the tasks that match a full-text search and the filters, best rank first, then by id. */
  Future<List<RankedTask>> search(long projectId, TaskFilter filter, TaskSearch search);

  /** The task's log from {@code after} on, oldest first; empty when the task does not exist. */
  Future<Optional<List<TaskLog>>> logs(long projectId, long taskId, long after, int limit);

  /** The task's attempts numbered past {@code after}, oldest first; empty when the task does not exist. */
  Future<Optional<List<io.taskq.queue.Attempt>>> attempts(long projectId, long taskId, int after, int limit);

  /** The project's log entries across its tasks, newest first. */
  Future<List<TaskLog>> projectLogs(long projectId, io.taskq.queue.LogFilter filter);

  /**
   * Claims for several requests of one project and type filter in one statement: the i-th
   * list holds the i-th request's tasks in claim order (earlier requests get earlier tasks).
   * Types empty means any type.
   */
  Future<List<List<Task>>> claimAvailable(long projectId, List<String> types, List<ClaimRequest> requests);

  default Future<List<Task>> claimAvailable(long projectId, String workerId, List<String> types, int limit, Integer leaseSeconds) {
    return claimAvailable(projectId, types, List.of(new ClaimRequest(workerId, limit, leaseSeconds))).map(l -> l.get(0));
  }

  Future<Transition> heartbeatIfLeaseHeld(long projectId, long taskId, UUID leaseId, Integer leaseSeconds);

  /**
   * Completes each task whose lease is held: in one statement, or two when a task has dependents
   * that this instance did not know of at its claim (each item is applied by one of them, in its
   * own transaction); one transition per item, in order. Task ids must be distinct.
   */
  Future<List<Transition>> completeAllIfLeaseHeld(List<Completion> completions);

  default Future<Transition> completeIfLeaseHeld(long projectId, long taskId, UUID leaseId, Object result) {
    return completeAllIfLeaseHeld(List.of(new Completion(projectId, taskId, leaseId, result))).map(l -> l.get(0));
  }

  /** Fails each attempt whose lease is held, in one statement; one transition per item, in order. Task ids must be distinct. */
  Future<List<Transition>> failAllIfLeaseHeld(List<AttemptFailure> failures, RetryPolicy retry);

  Future<Transition> cancelIfUnfinished(long projectId, long taskId);

  /** Cancels every task of the project in one of {@code statuses} matching the filters (null: any), and what requires them. */
  Future<Cancellation> cancelMatching(long projectId, List<TaskStatus> statuses, String type, String externalIdPrefix);

  /** Cancels every live task of a workflow run (by its internal id), and what requires them. */
  Future<Cancellation> cancelRun(long projectId, long runId);

  Future<Transition> retryIfFinishedUnsuccessfully(long projectId, long taskId);

  /**
   * Changes the given fields of a pending or blocked task whose attempts made stay below a new
   * max_attempts, with an 'updated' log entry naming the fields whose value changed; one statement.
   * Not applied (the task as found): not editable, or nothing changed. Empty: no such task.
   */
  Future<Transition> updateIfEditable(long projectId, long taskId, io.taskq.queue.TaskChanges changes);

  /**
   * Releases the dependents of parents that just completed with their last child, a statement
   * after the one that completed them (which could not); call it once per parent.
   */
  Future<ParentRelease> releaseAfterParents(List<Long> parentIds);

  /** Returns up to {@code limit} tasks whose lease lapsed to the queue (or fails them); safe on many instances at once. */
  Future<List<Task>> sweepExpiredLeases(int limit);
}
