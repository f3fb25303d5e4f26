package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.PlannerSettings;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The task listing runs with the planner's defaults (TaskSql.LIST); filtered by parent, it must
 * read the children through tasks_parent_idx, not walk the project's whole listing index for them.
 */
class ChildListingPlansTest {

  private static final long PARENT = 1;

  private static PlanFixture db;

  @BeforeAll
  static void start() {
    db = new PlanFixture("child_listing_plans",
        "INSERT INTO projects (id, name) VALUES (1, 'p')",
        "INSERT INTO task_types (name, version, param_schema) VALUES ('t', 1, '{}')",
        // 20,000 tasks of one project, a few of them children of task 1 (spread over the ids), then fresh statistics.
        "INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds, parent_id) "
            + "SELECT 1, 't', 1, 3, 30, CASE WHEN g % 4000 = 0 THEN 1 END FROM generate_series(1, 20000) g",
        "ANALYZE tasks");
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Test
  void theListingFilteredByParentReadsTheParentIndex() {
    Tuple args = PlanFixture.listingArgs(0L, null, PARENT, 101);
    String plan = db.plan(PlannerSettings::withDefaultPlanning, "EXPLAIN", TaskSql.LIST, args);
    assertTrue(plan.contains("using tasks_parent_idx"), plan);
    assertFalse(plan.contains("Seq Scan"), plan);
    assertEquals(5, PlannerSettings.withDefaultPlanning(db.pool, TaskSql.LIST, args).await().size());
  }
}
