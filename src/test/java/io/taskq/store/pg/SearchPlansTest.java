package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.PlannerSettings;
import io.taskq.db.Pools;
import io.taskq.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A search without a filter on tasks (TaskSql.SEARCH) keeps the page with a top-N sort over
 * (task_id, rank) and joins only the page's rows to tasks, however many tasks match.
 */
class SearchPlansTest {

  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("search_plans");
    TestDatabase.execute(db, "INSERT INTO projects (id, name) VALUES (1, 'p')");
    TestDatabase.execute(db, "INSERT INTO task_types (name, version, param_schema) VALUES ('t', 1, '{}')");
    // 20,000 tasks that all match "report", with ranks of three levels.
    TestDatabase.execute(db, "INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds, title, description) "
        + "SELECT 1, 't', 1, 3, 30, 'report ' || g, repeat('report ', g % 3) FROM generate_series(1, 20000) g");
    TestDatabase.execute(db, "VACUUM ANALYZE task_search");
    TestDatabase.execute(db, "ANALYZE tasks");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 1);
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  private static Tuple args(String status) {
    return Tuple.tuple().addLong(1L).addString("report").addString(status).addString(null).addString(null).addString(null)
        .addInteger(101).addLong(null).addString(null).addOffsetDateTime(null).addOffsetDateTime(null).addInteger(null)
        .addValue(null).addValue(null).addLong(0L);
  }

  private static String plan(Tuple args) {
    StringBuilder plan = new StringBuilder();
    for (Row row : PlannerSettings.withCustomPlanQuietly(pool, "EXPLAIN (ANALYZE, COSTS OFF) " + TaskSql.SEARCH, args).await()) {
      plan.append(row.getString(0)).append('\n');
    }
    return plan.toString();
  }

  @Test
  void withoutAFilterOnTasksOnlyThePageIsJoined() {
    String plan = plan(args(null));
    assertTrue(plan.contains("top-N heapsort"), plan);
    assertTrue(plan.matches("(?s).*Index Scan using tasks_pkey on tasks t \\(actual time=[0-9.]+ rows=[0-9.]+ loops=101\\).*"), plan);
    assertEquals(101, PlannerSettings.withCustomPlanQuietly(pool, TaskSql.SEARCH, args(null)).await().size());
  }

  @Test
  void aFilterOnTasksStillFindsAFullPage() {
    assertEquals(101, PlannerSettings.withCustomPlanQuietly(pool, TaskSql.SEARCH, args("pending")).await().size());
    assertEquals(0, PlannerSettings.withCustomPlanQuietly(pool, TaskSql.SEARCH, args("completed")).await().size());
  }
}
