package io.taskq.workflow;

import io.taskq.error.NotFound;
import io.taskq.metrics.Meters;
import io.taskq.notify.ClaimableSignals;
import io.taskq.queue.Task;
import io.taskq.store.DependencyStore;
import io.taskq.store.DependencyStore.Link;
import io.vertx.core.Future;
import java.util.List;

/** The links of one task: its prerequisites, its dependents, and the removal of a link. */
public final class DependencyService {

  private final DependencyStore store;
  private final Meters meters;
  private final ClaimableSignals signals;

  public DependencyService(DependencyStore store, Meters meters, ClaimableSignals signals) {
    this.store = store;
    this.meters = meters;
    this.signals = signals;
  }

  public Future<List<Link>> prerequisitesOf(long projectId, long taskId, long after, int limit) {
    return store.prerequisitesOf(projectId, taskId, after, limit).map(found -> found.orElseThrow(() -> taskNotFound(taskId)));
  }

  public Future<List<Link>> dependentsOf(long projectId, long taskId, long after, int limit) {
    return store.dependentsOf(projectId, taskId, after, limit).map(found -> found.orElseThrow(() -> taskNotFound(taskId)));
  }

  /**
   * A keyset page of the task's children by id; with {@code recursive}, of its whole subtree
   * (children, their children, ... down to {@link DependencyStore#SUBTREE_DEPTH} levels), by id.
   */
  public Future<List<Task>> childrenOf(long projectId, long taskId, boolean recursive, long after, int limit) {
    return store.childrenOf(projectId, taskId, recursive, after, limit).map(found -> found.orElseThrow(() -> taskNotFound(taskId)));
  }

  /** Removes a link; answers the task as it now is (released, if that link was the last thing holding it). */
  public Future<Task> unlink(long projectId, long taskId, long prerequisiteId) {
    return store.unlink(projectId, taskId, prerequisiteId).map(found -> {
      DependencyStore.Unlinking unlinking = found.orElseThrow(() -> taskNotFound(taskId));
      if (!unlinking.removed()) {
        throw new NotFound("task " + taskId + " does not depend on task " + prerequisiteId
            + " by a link that can be removed (a parent's link to its child goes with the child)");
      }
      if (unlinking.released()) {
        meters.released(projectId, 1);
        signals.announce(projectId, null);
      }
      return unlinking.dependent();
    });
  }

  private static NotFound taskNotFound(long taskId) {
    return new NotFound("task " + taskId + " not found");
  }
}
