package io.taskq.store.pg;

import io.taskq.queue.TaskStatus;
import io.taskq.store.WorkerStore;
import io.taskq.worker.HeldLease;
import io.taskq.worker.ReleasedLease;
import io.taskq.worker.Sighting;
import io.taskq.worker.WorkerStats;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class PgWorkerStore implements WorkerStore {

  private final Pool pool;

  public PgWorkerStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Optional<WorkerStats>> findWorker(long projectId, String workerId, Duration activeFor) {
    return pool.preparedQuery(WorkerSql.FIND).execute(Tuple.of(projectId, workerId, (double) activeFor.toSeconds()))
        .map(rows -> rows.size() == 0 ? Optional.<WorkerStats>empty() : Optional.of(stats(rows.iterator().next())))
        .recover(PgErrors.translate());
  }

  @Override
  public Future<List<WorkerStats>> listWorkers(long projectId, String after, Boolean active, int limit, Duration activeFor) {
    Tuple args = Tuple.tuple().addLong(projectId).addString(after).addDouble((double) activeFor.toSeconds()).addBoolean(active)
        .addInteger(limit);
    return pool.preparedQuery(WorkerSql.LIST).execute(args).map(rows -> {
      List<WorkerStats> found = new ArrayList<>(rows.size());
      rows.forEach(row -> found.add(stats(row)));
      return found;
    }).recover(PgErrors.translate());
  }

  @Override
  public Future<Boolean> isKnown(long projectId, String workerId) {
    return pool.preparedQuery(WorkerSql.KNOWN).execute(Tuple.of(projectId, workerId))
        .map(rows -> rows.iterator().next().getBoolean("known")).recover(PgErrors.translate());
  }

  @Override
  public Future<Integer> recordSightings(List<Sighting> sightings) {
    int n = sightings.size();
    Long[] projects = new Long[n];
    String[] workers = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Sighting s = sightings.get(i);
      projects[i] = s.projectId();
      workers[i] = s.workerId();
      times[i] = s.at().atOffset(ZoneOffset.UTC);
    }
    return pool.preparedQuery(WorkerSql.RECORD_SIGHTINGS)
        .execute(Tuple.tuple().addArrayOfLong(projects).addArrayOfString(workers).addArrayOfOffsetDateTime(times))
        .map(RowSet::rowCount).recover(PgErrors.translate());
  }

  @Override
  public Future<Integer> foldDeltas(int batch) {
    return pool.preparedQuery(WorkerSql.FOLD).execute(Tuple.of(batch))
        .map(rows -> rows.iterator().next().getLong("folded").intValue()).recover(PgErrors.translate());
  }

  @Override
  public Future<List<HeldLease>> heartbeatAllLeases(long projectId, String workerId, Integer leaseSeconds) {
    Tuple args = Tuple.tuple().addLong(projectId).addString(workerId).addInteger(leaseSeconds);
    return pool.preparedQuery(WorkerSql.HEARTBEAT).execute(args).map(rows -> {
      List<HeldLease> leases = new ArrayList<>(rows.size());
      for (Row row : rows) {
        leases.add(new HeldLease(row.getLong("id"), row.getUUID("lease_id"), instant(row, "lease_expires_at")));
      }
      return leases;
    }).recover(PgErrors.translate());
  }

  @Override
  public Future<List<ReleasedLease>> releaseAllLeases(long projectId, String workerId) {
    return pool.preparedQuery(WorkerSql.RELEASE).execute(Tuple.of(projectId, workerId)).map(rows -> {
      List<ReleasedLease> released = new ArrayList<>(rows.size());
      for (Row row : rows) {
        String status = row.getString("status");
        released.add(new ReleasedLease(row.getLong("id"), status == null ? null : TaskStatus.fromWire(status).orElseThrow(),
            row.getLong("cascaded")));
      }
      return released;
    }).recover(PgErrors.translate());
  }

  private static WorkerStats stats(Row row) {
    return new WorkerStats(row.getLong("project_id"), row.getString("worker_id"), instant(row, "first_seen_at"),
        instant(row, "last_seen_at"), row.getBoolean("active"), row.getLong("leases_held"), row.getLong("claimed"),
        row.getLong("completed"), row.getLong("failed"), row.getLong("expired"), row.getLong("released"),
        row.getDouble("success_rate"), row.getDouble("avg_processing_ms"));
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }
}
