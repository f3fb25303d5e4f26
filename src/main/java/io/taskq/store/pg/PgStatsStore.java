package io.taskq.store.pg;

import io.taskq.stats.GroupCount;
import io.taskq.stats.MinuteThroughput;
import io.taskq.stats.ProjectStats;
import io.taskq.store.StatsStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public final class PgStatsStore implements StatsStore {

  private final Pool pool;

  public PgStatsStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Integer> foldDeltas(int batch) {
    return pool.preparedQuery(StatsSql.FOLD).execute(Tuple.of(batch))
        .map(rows -> (int) (long) rows.iterator().next().getLong("folded")).recover(PgErrors.translate());
  }

  @Override
  public Future<Void> purgeSpentCounters() {
    return pool.preparedQuery(StatsSql.PURGE_SPENT_COUNTERS).execute().<Void>mapEmpty().recover(PgErrors.translate());
  }

  /** A simple query: VACUUM cannot run in the transaction that a prepared statement would open. */
  @Override
  public Future<Void> vacuumDeltas() {
    return pool.query(StatsSql.VACUUM_DELTAS).execute().<Void>mapEmpty().recover(PgErrors.translate());
  }

  /** Three short statements on as many connections at once: each is exact on its own snapshot. */
  @Override
  public Future<ProjectStats> projectStats(long projectId) {
    Tuple project = Tuple.of(projectId);
    Future<RowSet<Row>> counts = pool.preparedQuery(StatsSql.COUNTS).execute(project);
    Future<RowSet<Row>> oldest = pool.preparedQuery(StatsSql.OLDEST_CLAIMABLE).execute(project);
    Future<RowSet<Row>> throughput = pool.preparedQuery(StatsSql.THROUGHPUT).execute(project);
    return Future.all(counts, oldest, throughput)
        .map(all -> new ProjectStats(groups(counts.result()), oldest(oldest.result()), minutes(throughput.result())))
        .recover(PgErrors.translate());
  }

  private static List<GroupCount> groups(RowSet<Row> rows) {
    List<GroupCount> groups = new ArrayList<>(rows.size());
    for (Row row : rows) {
      groups.add(new GroupCount(row.getString(0), row.getString(1), row.getInteger(2), row.getLong(3)));
    }
    return groups;
  }

  private static Map<String, Double> oldest(RowSet<Row> rows) {
    Map<String, Double> oldest = new HashMap<>();
    for (Row row : rows) {
      oldest.put(row.getString(0), row.getDouble(1));
    }
    return oldest;
  }

  private static List<MinuteThroughput> minutes(RowSet<Row> rows) {
    List<MinuteThroughput> minutes = new ArrayList<>(rows.size());
    for (Row row : rows) {
      minutes.add(new MinuteThroughput(row.getOffsetDateTime(0).toInstant(), row.getLong(1), row.getLong(2), row.getLong(3),
          row.getLong(4)));
    }
    return minutes;
  }
}
