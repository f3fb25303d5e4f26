package io.taskq.worker;

import io.taskq.error.NotFound;
import io.taskq.notify.ClaimableSignals;
import io.taskq.queue.TaskStatus;
import io.taskq.store.WorkerStore;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Workers as taskq knows them, and the actions on all of one worker's leases at once. */
public final class WorkerService {

  /** A worker not seen for this long is listed as inactive. */
  public static final Duration ACTIVE_FOR = Duration.ofMinutes(5);
  /** Delta rows folded per statement: a second of a busy server's statements, in one short transaction. */
  public static final int FOLD_BATCH = 5000;
  /**
   * Passes of a release: a pass leaves a task claimed only when a link to it changed meanwhile
   * (the dependents guard), and the next pass, with a fresh snapshot, takes it.
   */
  private static final int RELEASE_PASSES = 3;

  private final WorkerStore store;
  private final WorkerSightings sightings;
  private final ClaimableSignals signals;

  public WorkerService(WorkerStore store, WorkerSightings sightings, ClaimableSignals signals) {
    this.store = store;
    this.sightings = sightings;
    this.signals = signals;
  }

  public WorkerSightings sightings() {
    return sightings;
  }

  public Future<WorkerStats> get(long projectId, String workerId) {
    return store.findWorker(projectId, workerId, ACTIVE_FOR)
        .map(found -> found.orElseThrow(() -> new NotFound("worker " + workerId + " has not been seen in project " + projectId)));
  }

  /** {@code active} null: all workers. */
  public Future<List<WorkerStats>> list(long projectId, String after, Boolean active, int limit) {
    return store.listWorkers(projectId, after, active, limit, ACTIVE_FOR);
  }

  /** A worker never seen in the project (it never claimed) is 404: it cannot hold anything. */
  public Future<List<HeldLease>> heartbeat(long projectId, String workerId, Integer leaseSeconds) {
    return store.heartbeatAllLeases(projectId, workerId, leaseSeconds)
        .compose(leases -> leases.isEmpty() ? requireKnown(projectId, workerId).map(leases) : Future.succeededFuture(leases))
        .onSuccess(leases -> sightings.seen(projectId, workerId));
  }

  /** Wakes waiting claimers when a released task is claimable again. A worker never seen in the project is 404. */
  public Future<List<ReleasedLease>> release(long projectId, String workerId) {
    return release(projectId, workerId, new ArrayList<>(), RELEASE_PASSES)
        .compose(released -> released.isEmpty() ? requireKnown(projectId, workerId).map(released) : Future.succeededFuture(released))
        .onSuccess(released -> {
          sightings.seen(projectId, workerId);
          if (released.stream().anyMatch(r -> r.status() == TaskStatus.PENDING)) {
            signals.announce(projectId, null);
          }
        });
  }

  /**
   * Asked only when the worker holds nothing (a worker holding a lease is known): its claims
   * were recorded, or this instance saw one that it has not flushed yet.
   */
  private Future<Void> requireKnown(long projectId, String workerId) {
    if (sightings.noted(projectId, workerId)) {
      return Future.succeededFuture();
    }
    return store.isKnown(projectId, workerId).compose(known -> known ? Future.<Void>succeededFuture()
        : Future.failedFuture(new NotFound("worker " + workerId + " has not been seen in project " + projectId)));
  }

  private Future<List<ReleasedLease>> release(long projectId, String workerId, List<ReleasedLease> sofar, int passes) {
    return store.releaseAllLeases(projectId, workerId).compose(pass -> {
      boolean leftOver = false;
      for (ReleasedLease lease : pass) {
        if (lease.status() == null) {
          leftOver = true;
        } else {
          sofar.add(lease);
        }
      }
      return leftOver && passes > 1 ? release(projectId, workerId, sofar, passes - 1) : Future.succeededFuture(sofar);
    });
  }

  /** The leader's fold of delta rows into per-worker totals (one batch); answers how many rows it folded. */
  public Future<Integer> foldDeltas(int batch) {
    return store.foldDeltas(batch);
  }
}
