package io.taskq.store;

import io.taskq.stats.ProjectStats;
import io.vertx.core.Future;

/** The task counters that the statements writing tasks keep (changesets 035, 038), and their upkeep. */
public interface StatsStore {

  /** Folds up to {@code batch} deltas into the totals; answers how many it folded. */
  Future<Integer> foldDeltas(int batch);

  /** Drops groups that reached zero and throughput minutes older than a day. */
  Future<Void> purgeSpentCounters();

  /** Reclaims the deltas the folds deleted, so that reads do not scan them. */
  Future<Void> vacuumDeltas();

  Future<ProjectStats> projectStats(long projectId);
}
