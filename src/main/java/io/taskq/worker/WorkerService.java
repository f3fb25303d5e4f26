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

  public Future<List<HeldLease>> heartbeat(long projectId, String workerId, Integer leaseSeconds) {
    sightings.seen(projectId, workerId);
    return store.heartbeatAllLeases(projectId, workerId, leaseSeconds);
  }

  /** Wakes waiting claimers when a released task is claimable again. */
  public Future<List<ReleasedLease>> release(long projectId, String workerId) {
    sightings.seen(projectId, workerId);
    return release(projectId, workerId, new ArrayList<>(), RELEASE_PASSES).onSuccess(released -> {
      if (released.stream().anyMatch(r -> r.status() == TaskStatus.PENDING)) {
        signals.announce(projectId, null);
      }
    });
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
