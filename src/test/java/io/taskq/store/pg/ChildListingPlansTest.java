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
 * The task listing runs with the planner's defaults (TaskSql.LIST); filtered by parent, it must
 * read the children through tasks_parent_idx, not walk the project's whole listing index for them.
 */
class ChildListingPlansTest {

  private static final long PROJECT = 1;
  private static final long PARENT = 1;

  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("child_listing_plans");
    TestDatabase.execute(db, "INSERT INTO projects (id, name) VALUES (1, 'p')");
    TestDatabase.execute(db, "INSERT INTO task_types (name, version, param_schema) VALUES ('t', 1, '{}')");
    // 20,000 tasks of one project, a few of them children of task 1 (spread over the ids), then fresh statistics.
    TestDatabase.execute(db, "INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds, parent_id) "
        + "SELECT 1, 't', 1, 3, 30, CASE WHEN g % 4000 = 0 THEN 1 END FROM generate_series(1, 20000) g");
    TestDatabase.execute(db, "ANALYZE tasks");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 1);
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  @Test
  void theListingFilteredByParentReadsTheParentIndex() {
    Tuple args = Tuple.tuple().addLong(PROJECT).addLong(0L).addString(null).addString(null).addString(null).addString(null)
        .addInteger(101).addLong(PARENT).addString(null).addOffsetDateTime(null).addOffsetDateTime(null).addInteger(null);
    StringBuilder plan = new StringBuilder();
    for (Row row : PlannerSettings.withDefaultPlanning(pool, "EXPLAIN " + TaskSql.LIST, args).await()) {
      plan.append(row.getString(0)).append('\n');
    }
    assertTrue(plan.toString().contains("using tasks_parent_idx"), plan.toString());
    assertTrue(!plan.toString().contains("Seq Scan"), plan.toString());
    assertEquals(5, PlannerSettings.withDefaultPlanning(pool, TaskSql.LIST, args).await().size());
  }
}
