package io.taskq.store;

import io.taskq.queue.DuplicateStrategy;
import io.taskq.queue.LinkType;
import io.taskq.queue.NewTask;
import io.taskq.queue.Task;
import io.taskq.queue.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The links between tasks: writing a graph of new tasks with their links, reading a task's
 * prerequisites and dependents, removing a link. Releasing and cascading happen in the
 * statements that finish tasks ({@link TaskStore}).
 */
public interface DependencyStore {

  /** A linked task as a listing shows it: the task at the other end, the link's type and when it was made. */
  record Link(long taskId, String externalId, String type, TaskStatus status, LinkType linkType, java.time.Instant linkedAt) {
  }

  /** What removing a link did: whether the link existed, whether that released the dependent, and the dependent as it now is. */
  record Unlinking(boolean removed, boolean released, Task dependent) {
  }

  /** An existing task named as a prerequisite; {@code marked}: a holding link may count it (it had not completed). */
  record Found(Task task, boolean marked) {
  }

  /**
   * How a new task of a graph starts: blocked while {@code unmet} links (and event waits) hold
   * it, or while it is a parent that completes with its children. {@code eventPayloads}: the
   * payloads of events it waits on that had already arrived (null: none); {@code parentId} and
   * {@code workflowRunId} null when it has none. {@code parentOrd}: the parent is another task of
   * the same insert, at this position in its list (its id is drawn by the insert); null otherwise.
   */
  record ItemState(int unmet, boolean hasDependents, JsonObject eventPayloads, Long parentId, boolean completeWhenChildrenDone,
      Long workflowRunId, Integer parentOrd) {

    public ItemState(int unmet, boolean hasDependents) {
      this(unmet, hasDependents, null, null, false, null);
    }

    public ItemState(int unmet, boolean hasDependents, JsonObject eventPayloads, Long parentId, boolean completeWhenChildrenDone,
        Long workflowRunId) {
      this(unmet, hasDependents, eventPayloads, parentId, completeWhenChildrenDone, workflowRunId, null);
    }

    public boolean blocked() {
      return unmet > 0 || completeWhenChildrenDone;
    }
  }

  /** A graph is written in one transaction; the steps between statements are the caller's. */
  <T> Future<T> inTransaction(Function<GraphWriter, Future<T>> work);

  /** The statements of one graph transaction. */
  interface GraphWriter {

    /** Serialises title-checked inserts of one project (see TaskSql.LOCK_PROJECT_TITLES). */
    Future<Void> lockProjectTitles(long projectId);

    /**
     * The existing tasks named as prerequisites, by id or external id, in this project. Those a
     * holding link will name are marked as having dependents, which locks them and answers their
     * newest status: a task missing from the answer was never there, or completed concurrently
     * (and then does not hold).
     */
    Future<List<Found>> markPrerequisites(long projectId, List<Long> holdingIds, List<String> holdingExternalIds,
        List<Long> otherIds, List<String> otherExternalIds);

    /** Inserts the tasks that collide with no stored one; answers the created, by list index. */
    Future<Map<Integer, Task>> insertItems(long projectId, List<NewTask> tasks, List<ItemState> states, DuplicateStrategy strategy);

    /** The stored tasks that skipped items may have collided with. */
    Future<List<Task>> findCollisions(long projectId, List<NewTask> skipped, DuplicateStrategy strategy);

    /** Sets the count of new tasks whose prerequisites turned out finished; answers them as they now are. */
    Future<List<Task>> recount(List<Long> taskIds, List<Integer> unmet);

    /**
     * Starts a workflow run whose tasks this transaction writes; empty when the run id is taken
     * in the project (the run exists, with its tasks). Answers the run's internal id.
     */
    Future<Optional<Long>> startRun(long projectId, long workflowId, String runId, JsonObject params, java.time.Instant scheduledFor);

    /** Inserts links (parallel lists). */
    Future<Void> link(List<Long> dependents, List<Long> prerequisites, List<LinkType> types);

    /**
     * Serialises this graph with the arrivals of these event keys (see EventStore): an arrival
     * waits for the graph's waits to commit, and the graph's later statements see an arrival
     * that committed first. Locks all keys in one statement, in a fixed order.
     */
    Future<Void> lockEventKeys(long projectId, List<String> keys);

    /** The keys received and not expired, with their payloads (a JSON value, or null for none). */
    Future<Map<String, Object>> findArrivedEvents(long projectId, List<String> keys);

    /** Records that new tasks wait on events not yet received (parallel lists). */
    Future<Void> waitOnEvents(long projectId, List<Long> taskIds, List<String> keys);

    /**
     * Counts new children against stored parents that complete with their children
     * ({@code counts[i]} more for {@code parentIds[i]}), each only while it is still blocked: the
     * update takes its lock and reads its newest status. Answers the parents counted; one missing
     * had finished (perhaps concurrently) and cannot gain children.
     */
    Future<List<Long>> countChildren(List<Long> parentIds, List<Integer> counts);

    /**
     * Gives new tasks their stored parent (a parent item of the request that was skipped as a
     * duplicate of a stored task), marking as having dependents those whose parent completes
     * with its children. Answers them as they now are.
     */
    Future<List<Task>> adopt(List<Long> childIds, List<Long> parentIds, List<Boolean> childLinked);

    /**
     * Which of {@code targets} each of {@code starts} waits on, through holding links of tasks
     * that have not completed (a parent that completes with its children waits on them); by start.
     */
    Future<Map<Long, Set<Long>>> waitsOn(List<Long> starts, List<Long> targets);
  }

  /** How many levels below a task its subtree listing reaches (its children are level 1). */
  int SUBTREE_DEPTH = 20;

  /**
   * A keyset page of a task's children by id, or with {@code recursive} of its whole subtree down
   * to {@link #SUBTREE_DEPTH} levels; empty when the task is not in the project.
   */
  Future<Optional<List<Task>>> childrenOf(long projectId, long taskId, boolean recursive, long after, int limit);

  /** A page of the task's prerequisites (by prerequisite id); empty when the task is not in the project. */
  Future<Optional<List<Link>>> prerequisitesOf(long projectId, long taskId, long after, int limit);

  /** A page of the task's dependents (by dependent id); empty when the task is not in the project. */
  Future<Optional<List<Link>>> dependentsOf(long projectId, long taskId, long after, int limit);

  /**
   * Removes the link from {@code taskId} to {@code prerequisiteId}; a holding link whose
   * prerequisite had not completed stops counting, and the task is released if nothing else
   * holds it. Empty when the task is not in the project.
   */
  Future<Optional<Unlinking>> unlink(long projectId, long taskId, long prerequisiteId);
}
