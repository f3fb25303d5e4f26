package io.taskq.store.pg;

import io.taskq.db.PlannerSettings;
import io.taskq.queue.Task;
import io.taskq.store.RunStore;
import io.taskq.workflow.model.Workflow;
import io.taskq.workflow.model.WorkflowDefinition;
import io.taskq.workflow.model.WorkflowRun;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

public final class PgRunStore implements RunStore {

  private static final List<String> STATUSES = List.of("pending", "claimed", "blocked", "completed", "failed", "cancelled");

  private final Pool pool;

  public PgRunStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Optional<WorkflowRun>> find(long projectId, String runId) {
    return pool.preparedQuery(RunSql.FIND_RUN).execute(Tuple.of(projectId, runId))
        .map(rows -> rows.size() == 0 ? Optional.<WorkflowRun>empty() : Optional.of(run(rows.iterator().next(), true)))
        .recover(PgErrors.translate());
  }

  @Override
  public Future<List<Task>> tasksOf(long runId) {
    return pool.preparedQuery(RunSql.RUN_TASKS).execute(Tuple.of(runId)).map(PgTaskStore::tasks).recover(PgErrors.translate());
  }

  @Override
  public Future<List<WorkflowRun>> list(long projectId, String workflow, String status, long afterId, int limit) {
    Tuple args = Tuple.tuple().addLong(projectId).addString(workflow).addString(status).addLong(afterId).addInteger(limit);
    return PlannerSettings.withDefaultPlanning(pool, RunSql.LIST_RUNS, args)
        .map(rows -> {
          List<WorkflowRun> runs = new ArrayList<>(rows.size());
          rows.forEach(row -> runs.add(run(row, false)));
          return runs;
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<List<FinishedRun>> finalizeFinished(int limit) {
    return PlannerSettings.withDefaultPlanning(pool, RunSql.FINALIZE_RUNS, Tuple.of(limit))
        .map(rows -> {
          List<FinishedRun> finished = new ArrayList<>(rows.size());
          for (Row row : rows) {
            finished.add(new FinishedRun(row.getLong("project_id"), row.getString("workflow"), row.getString("final_status"),
                instant(row, "created_at"), instant(row, "finished_at")));
          }
          return finished;
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<RunStats> stats(long projectId, String workflow) {
    return pool.preparedQuery(RunSql.STATS).execute(Tuple.of(projectId, workflow))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new RunStats(row.getLong("running"), row.getLong("completed"), row.getLong("failed"), row.getLong("cancelled"),
              row.getDouble("p50_seconds"), row.getDouble("p95_seconds"));
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Void> recordSchedule(long projectId, String name, int version, Instant nextDueAt) {
    return pool.preparedQuery(RunSql.UPSERT_SCHEDULE).execute(Tuple.of(projectId, name, version, utc(nextDueAt)))
        .<Void>mapEmpty().recover(PgErrors.translate());
  }

  @Override
  public Future<List<DueSchedule>> dueSchedules(Instant now, int limit) {
    return pool.preparedQuery(RunSql.DUE_SCHEDULES).execute(Tuple.of(utc(now), limit))
        .map(rows -> {
          List<DueSchedule> due = new ArrayList<>(rows.size());
          for (Row row : rows) {
            Workflow workflow = new Workflow(row.getLong("id"), row.getLong("project_id"), row.getString("name"),
                row.getInteger("version"), WorkflowDefinition.fromJson((JsonObject) row.getValue("definition")),
                instant(row, "created_at"));
            due.add(new DueSchedule(workflow, instant(row, "next_due_at")));
          }
          return due;
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Boolean> advanceSchedule(long projectId, String name, Instant seen, Instant next) {
    return pool.preparedQuery(RunSql.ADVANCE_SCHEDULE).execute(Tuple.of(projectId, name, utc(seen), utc(next)))
        .map(rows -> rows.rowCount() == 1)
        .recover(PgErrors.translate());
  }

  private static WorkflowRun run(Row row, boolean withDefinition) {
    Map<String, Long> counts = new LinkedHashMap<>();
    STATUSES.forEach(s -> counts.put(s, row.getLong(s)));
    boolean live = counts.get("pending") + counts.get("claimed") + counts.get("blocked") > 0;
    Instant finishedAt = instant(row, "finished_at");
    if (finishedAt == null && !live) {
      finishedAt = instant(row, "last_change"); // ended, and the finalizer has not recorded it yet
    }
    return new WorkflowRun(row.getLong("id"), row.getLong("project_id"), row.getString("run_key"), row.getString("workflow"),
        row.getInteger("version"), (JsonObject) row.getValue("params"), row.getString("status"), counts,
        instant(row, "created_at"), instant(row, "started_at"), finishedAt, instant(row, "scheduled_for"),
        withDefinition ? WorkflowDefinition.fromJson((JsonObject) row.getValue("definition")) : null);
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
