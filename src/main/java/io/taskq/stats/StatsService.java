package io.taskq.stats;

import io.taskq.store.StatsStore;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * A project's statistics, and the leader's upkeep of the counters behind them: a fold of the
 * deltas every second or so (reads are exact without it; it keeps the delta table, which every
 * read scans, about one second long), a vacuum of that table every 5 s, and once a minute a purge
 * of spent groups and old minutes.
 */
public final class StatsService {

  /** Deltas folded per statement: a backlog (the leader was away) is folded in short transactions. */
  public static final int FOLD_BATCH = 10_000;
  private static final long PURGE_EVERY_NANOS = Duration.ofMinutes(1).toNanos();
  private static final long VACUUM_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

  private final StatsStore store;
  private long nextPurgeAt = System.nanoTime();
  private long nextVacuumAt = System.nanoTime();

  public StatsService(StatsStore store) {
    this.store = store;
  }

  public Future<ProjectStats> project(long projectId) {
    return store.projectStats(projectId);
  }

  /**
   * One upkeep pass: folds every delta there is, batch after batch; every 5 s vacuums the delta
   * table (the folds leave it mostly dead rows, which reads would scan), and once a minute purges.
   */
  public Future<Void> upkeep() {
    return foldAll().compose(v -> {
      long now = System.nanoTime();
      if (now - nextVacuumAt < 0) {
        return Future.succeededFuture();
      }
      nextVacuumAt = now + VACUUM_EVERY_NANOS;
      return store.vacuumDeltas();
    }).compose(v -> {
      long now = System.nanoTime();
      if (now - nextPurgeAt < 0) {
        return Future.succeededFuture();
      }
      nextPurgeAt = now + PURGE_EVERY_NANOS;
      return store.purgeSpentCounters();
    });
  }

  private Future<Void> foldAll() {
    return store.foldDeltas(FOLD_BATCH).compose(n -> n >= FOLD_BATCH ? foldAll() : Future.succeededFuture());
  }
}
