package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.PlannerSettings;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A search without a filter on tasks (TaskSql.SEARCH) keeps the page with a top-N sort over
 * (task_id, rank) and joins only the page's rows to tasks, however many tasks match.
 */
class SearchPlansTest {

  private static PlanFixture db;

  @BeforeAll
  static void start() {
    db = new PlanFixture("search_plans",
        "INSERT INTO projects (id, name) VALUES (1, 'p')",
        "INSERT INTO task_types (name, version, param_schema) VALUES ('t', 1, '{}')",
        // 20,000 tasks that all match "report", with ranks of three levels.
        "INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds, title, description) "
            + "SELECT 1, 't', 1, 3, 30, 'report ' || g, repeat('report ', g % 3) FROM generate_series(1, 20000) g",
        "VACUUM ANALYZE task_search",
        "ANALYZE tasks");
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  /** A first page of the search for "report": no cursor, no lower bound of ids. */
  private static Tuple args(String status) {
    return PlanFixture.listingArgs("report", status, null, 101).addValue(null).addValue(null).addLong(0L);
  }

  private static String plan(Tuple args) {
    return db.plan(PlannerSettings::withCustomPlanQuietly, "EXPLAIN (ANALYZE, COSTS OFF)", TaskSql.SEARCH, args);
  }

  @Test
  void withoutAFilterOnTasksOnlyThePageIsJoined() {
    String plan = plan(args(null));
    assertTrue(plan.contains("top-N heapsort"), plan);
    assertTrue(plan.matches("(?s).*Index Scan using tasks_pkey on tasks t \\(actual time=[0-9.]+ rows=[0-9.]+ loops=101\\).*"), plan);
    assertEquals(101, PlannerSettings.withCustomPlanQuietly(db.pool, TaskSql.SEARCH, args(null)).await().size());
  }

  @Test
  void aFilterOnTasksStillFindsAFullPage() {
    assertEquals(101, PlannerSettings.withCustomPlanQuietly(db.pool, TaskSql.SEARCH, args("pending")).await().size());
    assertEquals(0, PlannerSettings.withCustomPlanQuietly(db.pool, TaskSql.SEARCH, args("completed")).await().size());
  }
}
