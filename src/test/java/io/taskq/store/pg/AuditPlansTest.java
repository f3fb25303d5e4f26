package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.PlannerSettings;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cross-task audit (TaskSql.PROJECT_LOGS) reads a page of a project's entries from the newest
 * end of task_logs_created_idx, not the whole of task_logs; a task's attempts (TaskSql.ATTEMPTS)
 * read only that task's rows through the primary key.
 */
class AuditPlansTest {

  private static PlanFixture db;

  @BeforeAll
  static void start() {
    db = new PlanFixture("audit_plans",
        "INSERT INTO projects (id, name) VALUES (1, 'p'), (2, 'q')",
        "INSERT INTO task_types (name, version, param_schema) VALUES ('t', 1, '{}')",
        // 10,000 tasks over two projects, 10 log entries each (100,000 rows spread over a day), then fresh statistics.
        "INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds) "
            + "SELECT 1 + g % 2, 't', 1, 3, 30 FROM generate_series(1, 10000) g",
        "INSERT INTO task_logs (task_id, event, worker_id, created_at) "
            + "SELECT t.id, CASE WHEN g % 2 = 0 THEN 'claimed' ELSE 'heartbeat' END, 'w' || (t.id % 7), "
            + "now() - make_interval(secs => 86400.0 * random()) FROM tasks t, generate_series(1, 10) g",
        "ANALYZE tasks, task_logs");
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  private static Tuple audit(String event, String worker, Long task, OffsetDateTime since, OffsetDateTime until) {
    return Tuple.tuple().addLong(1L).addString(event).addString(worker).addLong(task).addOffsetDateTime(since)
        .addOffsetDateTime(until).addOffsetDateTime(null).addLong(null).addInteger(101);
  }

  private static String plan(String sql, Tuple args) {
    return db.plan(PlannerSettings::withDefaultPlanning, "EXPLAIN (ANALYZE, BUFFERS)", sql, args);
  }

  @Test
  void aPageOfTheAuditReadsTheNewestEndOfTheTimeIndex() {
    String plan = plan(TaskSql.PROJECT_LOGS, audit(null, null, null, null, null));
    assertTrue(plan.contains("Index Scan Backward using task_logs_created_idx"), plan);
    assertFalse(plan.contains("Seq Scan on task_logs"), plan);
    assertEquals(101, PlannerSettings.withDefaultPlanning(db.pool, TaskSql.PROJECT_LOGS, audit(null, null, null, null, null)).await().size());
  }

  @Test
  void aTimeWindowBoundsTheIndexScan() {
    OffsetDateTime until = OffsetDateTime.now(ZoneOffset.UTC).minusHours(12);
    String plan = plan(TaskSql.PROJECT_LOGS, audit("claimed", "w3", null, until.minusHours(1), until));
    assertTrue(plan.contains("task_logs_created_idx"), plan);
    assertTrue(plan.contains("Index Cond: ((created_at >="), plan);
    assertFalse(plan.contains("Seq Scan on task_logs"), plan);
  }

  @Test
  void oneTasksEntriesAreReadThroughThePrimaryKey() {
    String plan = plan(TaskSql.PROJECT_LOGS, audit(null, null, 42L, null, null));
    assertTrue(plan.contains("task_logs_pkey"), plan);
    assertFalse(plan.contains("Seq Scan on task_logs"), plan);
  }

  @Test
  void aTasksAttemptsReadOnlyItsOwnLogRows() {
    String plan = db.plan((pool, sql, args) -> pool.preparedQuery(sql).execute(args), "EXPLAIN", TaskSql.ATTEMPTS,
        Tuple.of(1L, 42L, 0, 1001));
    assertTrue(plan.contains("task_logs_pkey"), plan);
    assertFalse(plan.contains("Seq Scan"), plan);
  }
}
