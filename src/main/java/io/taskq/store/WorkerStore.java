package io.taskq.store;

import io.taskq.worker.HeldLease;
import io.taskq.worker.ReleasedLease;
import io.taskq.worker.Sighting;
import io.taskq.worker.WorkerStats;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Workers as taskq knows them from their claims, heartbeats and completions; and all of one worker's leases at once. */
public interface WorkerStore {

  /** {@code activeFor}: how long after it was last seen a worker still counts as active. */
  Future<Optional<WorkerStats>> findWorker(long projectId, String workerId, Duration activeFor);

  /** Up to {@code limit} workers by id after {@code after} (null: from the first); {@code active} null: all. */
  Future<List<WorkerStats>> listWorkers(long projectId, String after, Boolean active, int limit, Duration activeFor);

  /** Whether the worker was ever seen in the project, by any instance (sightings not yet flushed excepted). */
  Future<Boolean> isKnown(long projectId, String workerId);

  /** Appends sightings, insert-only; answers how many. */
  Future<Integer> recordSightings(List<Sighting> sightings);

  /** Folds up to {@code batch} pending delta rows into the per-worker totals; answers how many it folded. */
  Future<Integer> foldDeltas(int batch);

  /** Extends every live lease of the worker; {@code leaseSeconds} null: each task's own. */
  Future<List<HeldLease>> heartbeatAllLeases(long projectId, String workerId, Integer leaseSeconds);

  /** Hands back every live lease of the worker, as a lapse would. */
  Future<List<ReleasedLease>> releaseAllLeases(long projectId, String workerId);
}
