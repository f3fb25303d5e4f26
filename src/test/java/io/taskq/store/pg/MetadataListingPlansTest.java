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
 * The listing filtered by metadata (TaskSql.LIST_BY_METADATA) reads a selective value through the
 * partial GIN index tasks_metadata_idx, not by walking the project's tasks.
 */
class MetadataListingPlansTest {

  private static PlanFixture db;

  @BeforeAll
  static void start() {
    db = new PlanFixture("metadata_listing_plans",
        "INSERT INTO projects (id, name) VALUES (1, 'p')",
        "INSERT INTO task_types (name, version, param_schema) VALUES ('t', 1, '{}')",
        // 20,000 tasks, every 10th with metadata naming one of 500 tenants (4 tasks each), then fresh statistics.
        "INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds, metadata) "
            + "SELECT 1, 't', 1, 3, 30, CASE WHEN g % 10 = 0 THEN jsonb_build_object('tenant', 'n' || (g / 10 % 500)) END "
            + "FROM generate_series(1, 20000) g",
        "ANALYZE tasks");
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Test
  void theFilterIsAddedToTheListingsConditions() {
    assertTrue(TaskSql.LIST_BY_METADATA.contains("metadata @> $13"), TaskSql.LIST_BY_METADATA);
    assertTrue(TaskSql.LIST_BY_METADATA.indexOf("metadata @> $13") < TaskSql.LIST_BY_METADATA.indexOf("ORDER BY"));
    assertFalse(TaskSql.LIST.contains("metadata"));
    // In a search the metadata filters tasks after ranking: the ranking must not be cut to the page first.
    assertTrue(TaskSql.SEARCH_BY_METADATA.contains("metadata @> $16"), TaskSql.SEARCH_BY_METADATA);
    assertTrue(TaskSql.SEARCH_BY_METADATA.contains("LIMIT CASE WHEN false THEN"), TaskSql.SEARCH_BY_METADATA);
    assertFalse(TaskSql.SEARCH.contains("metadata"));
  }

  @Test
  void aSelectiveValueIsReadThroughTheMetadataIndex() {
    Tuple args = PlanFixture.listingArgs(0L, null, null, 101).addString("{\"tenant\":\"n7\"}");
    String plan = db.plan(PlannerSettings::withDefaultPlanning, "EXPLAIN", TaskSql.LIST_BY_METADATA, args);
    assertTrue(plan.contains("on tasks_metadata_idx"), plan);
    assertEquals(4, PlannerSettings.withDefaultPlanning(db.pool, TaskSql.LIST_BY_METADATA, args).await().size());
  }
}
