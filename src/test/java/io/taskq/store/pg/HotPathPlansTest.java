package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.PlannerSettings;
import io.taskq.db.Pools;
import io.taskq.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The hot statements run with generic plans ({@link io.taskq.db.PlannerSettings}). A generic
 * plan is made once per connection, from the table as it is then; here each is made while
 * {@code tasks} is empty, the table is then filled, and the plan each statement keeps must still
 * read {@code tasks} through an index.
 */
class HotPathPlansTest {

  private static final String LEASE = "'00000000-0000-0000-0000-000000000000'";

  /** Statement, and SQL literals for its parameters (their values do not matter to a generic plan). */
  private static final Map<String, String> HOT_STATEMENTS = new LinkedHashMap<>();

  static {
    HOT_STATEMENTS.put(TaskSql.CLAIM, "1, '{}', '{w}', '{NULL}'");
    HOT_STATEMENTS.put(TaskSql.COMPLETE_ALL, "'{1}', '{1}', '{" + LEASE.replace("'", "") + "}', '{NULL}'");
    HOT_STATEMENTS.put(TaskSql.COMPLETE_ALL_WITHOUT_DEPENDENTS, "'{1}', '{1}', '{" + LEASE.replace("'", "") + "}', '{NULL}'");
    HOT_STATEMENTS.put(TaskSql.FAIL_ALL, "'{1}', '{1}', '{" + LEASE.replace("'", "") + "}', '{e}', '{true}', 1, 60, 0.1");
    HOT_STATEMENTS.put(TaskSql.HEARTBEAT, "1, 1, " + LEASE + ", NULL");
    HOT_STATEMENTS.put(TaskSql.INSERT, "1, 't', 1, NULL, NULL, '{}', 0, 'x', NULL, NULL, NULL, 3, 30, NULL");
    HOT_STATEMENTS.put(TaskSql.INSERT_ALL,
        "1, '{1}', '{t}', '{1}', '{NULL}', '{NULL}', '{\"{}\"}', '{0}', '{x}', '{NULL}', '{NULL}', '{NULL}', '{3}', '{30}', '{pending}', '{0}', '{false}', '{NULL}', '{NULL}', '{false}', '{NULL}', '{NULL}', '{NULL}'");
    HOT_STATEMENTS.put(TaskSql.INSERT_ALL_WITHOUT_IDENTITIES,
        "1, '{1}', '{t}', '{1}', '{NULL}', '{NULL}', '{\"{}\"}', '{0}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{3}', '{30}', '{pending}', '{0}', '{false}', '{NULL}', '{NULL}', '{false}', '{NULL}', '{NULL}', '{NULL}'");
    HOT_STATEMENTS.put(TaskSql.INSERT_ALL_UNLESS_TITLE_EXISTS,
        "1, '{1}', '{t}', '{1}', '{a}', '{NULL}', '{\"{}\"}', '{0}', '{x}', '{NULL}', '{NULL}', '{NULL}', '{3}', '{30}', '{pending}', '{0}', '{false}', '{NULL}', '{NULL}', '{false}', '{NULL}', '{NULL}', '{NULL}'");
    HOT_STATEMENTS.put(TaskSql.INSERT_ALL_UNLESS_TITLE_AND_MILESTONE_EXIST,
        "1, '{1}', '{t}', '{1}', '{a}', '{NULL}', '{\"{}\"}', '{0}', '{x}', '{m}', '{NULL}', '{NULL}', '{3}', '{30}', '{pending}', '{0}', '{false}', '{NULL}', '{NULL}', '{false}', '{NULL}', '{NULL}', '{NULL}'");
    HOT_STATEMENTS.put(TaskSql.FIND_COLLISIONS, "1, '{x}', '{d}', '{a}'");
    HOT_STATEMENTS.put(TaskSql.FIND_BY_IDENTITY, "1, 'x', NULL");
    HOT_STATEMENTS.put(TaskSql.FIND, "1, 1");
    HOT_STATEMENTS.put(TaskSql.LOGS, "1, 1, 0, 10");
    HOT_STATEMENTS.put(TaskSql.CANCEL, "1, 1");
    HOT_STATEMENTS.put(TaskSql.RETRY, "1, 1");
    HOT_STATEMENTS.put(TaskSql.UPDATE_EDITABLE, "1, 1, '{priority,metadata}', 1, NULL, NULL, NULL, '{\"a\":1}', NULL");
    HOT_STATEMENTS.put(DependencySql.MARK_PREREQUISITES, "1, '{1}', '{x}', '{2}', '{y}'");
    HOT_STATEMENTS.put(DependencySql.RECOUNT, "'{1}', '{0}'");
    HOT_STATEMENTS.put(DependencySql.LINK, "'{1}', '{2}', '{requires}'");
    HOT_STATEMENTS.put(DependencySql.PREREQUISITES, "1, 1, 0, 10");
    HOT_STATEMENTS.put(DependencySql.DEPENDENTS, "1, 1, 0, 10");
    HOT_STATEMENTS.put(DependencySql.UNLINK, "1, 1, 2");
    HOT_STATEMENTS.put(TaskSql.CANCEL_RUN, "1, 1");
    HOT_STATEMENTS.put(RunSql.INSERT_RUN, "1, 1, 'r', '{}', NULL");
    HOT_STATEMENTS.put(RunSql.FIND_RUN, "1, 'r'");
    HOT_STATEMENTS.put(RunSql.RUN_TASKS, "1");
    HOT_STATEMENTS.put(EventSql.LOCK_KEY, "1, 'k'");
    HOT_STATEMENTS.put(EventSql.LOCK_KEYS, "1, '{k}'");
    HOT_STATEMENTS.put(EventSql.FIND_ARRIVED, "1, '{k}'");
    HOT_STATEMENTS.put(EventSql.WAIT, "1, '{1}', '{k}'");
    HOT_STATEMENTS.put(EventSql.RECEIVE, "1, 'k', NULL, 60");
    HOT_STATEMENTS.put(DependencySql.COUNT_CHILDREN, "'{1}', '{1}'");
    HOT_STATEMENTS.put(DependencySql.WAITS_ON, "'{1}', '{2}'");
    HOT_STATEMENTS.put(DependencySql.ADOPT, "'{1}', '{2}', '{true}'");
    HOT_STATEMENTS.put(DependencySql.CHILDREN, "1, 1, 0, 10");
    HOT_STATEMENTS.put(DependencySql.SUBTREE, "1, 1, 0, 10");
    HOT_STATEMENTS.put(TaskSql.RELEASE_AFTER_PARENTS, "'{1}'");
  }

  private static final Pattern SEQUENTIAL_SCAN = Pattern.compile("Seq Scan on (tasks|task_logs|task_dependencies|events|task_event_waits)\\b");
  private static final Pattern INDEX_SCAN = Pattern.compile("(Index Scan|Index Only Scan|Bitmap Index Scan) (using |on )((tasks?|task_dependencies|events)_\\w+)");

  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("hot_path_plans");
    TestDatabase.execute(db, "INSERT INTO projects (id, name) VALUES (1, 'p')");
    TestDatabase.execute(db, "INSERT INTO task_types (name, version, param_schema) VALUES ('t', 1, '{}')");
    // No analyze may invalidate the plans between their making and their check.
    TestDatabase.execute(db, "ALTER TABLE tasks SET (autovacuum_enabled = off)");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 1);
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  @Test
  void everyConnectionForcesGenericPlansWithoutSequentialScansOrJit() {
    Row row = pool.query("SELECT current_setting('plan_cache_mode') AS mode, current_setting('enable_seqscan') AS seqscan, "
        + "current_setting('jit') AS jit").execute().await().iterator().next();
    assertEquals("force_generic_plan", row.getString("mode"));
    assertEquals("off", row.getString("seqscan"));
    assertEquals("off", row.getString("jit"));
  }

  @Test
  void statementsThatNeedItGetTheDefaultPlanningForTheirTransactionOnly() {
    String settings = "SELECT current_setting('plan_cache_mode') AS mode, current_setting('enable_seqscan') AS seqscan";
    Row inside = PlannerSettings.withDefaultPlanning(pool, settings, Tuple.tuple()).await().iterator().next();
    assertEquals("auto", inside.getString("mode"));
    assertEquals("on", inside.getString("seqscan"));
    // The pool has one connection: the same one, after the transaction.
    Row after = pool.query(settings).execute().await().iterator().next();
    assertEquals("force_generic_plan", after.getString("mode"));
    assertEquals("off", after.getString("seqscan"));
  }

  @Test
  void plansMadeOnAnEmptyTableStillReadTasksThroughIndexesOnceItIsFull() {
    // The pool has one connection, so every statement below runs on it, where the plans are kept.
    List<String> statements = new ArrayList<>(HOT_STATEMENTS.keySet());
    assertEquals(0L, pool.query("SELECT count(*) FROM tasks").execute().await().iterator().next().getLong(0),
        "plans are made on an empty table");
    for (int i = 0; i < statements.size(); i++) {
      pool.query("PREPARE hot_" + i + " AS " + statements.get(i)).execute().await();
      explain(i, statements.get(i)); // makes the generic plan, which the connection keeps
    }
    pool.query("INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds) "
        + "SELECT 1, 't', 1, 3, 30 FROM generate_series(1, 20000)").execute().await();
    List<String> plansWhenFull = new ArrayList<>();
    for (int i = 0; i < statements.size(); i++) {
      plansWhenFull.add(explain(i, statements.get(i)));
    }

    List<Executable> checks = new ArrayList<>();
    for (int i = 0; i < plansWhenFull.size(); i++) {
      String plan = plansWhenFull.get(i);
      String statement = statements.get(i);
      checks.add(() -> assertFalse(SEQUENTIAL_SCAN.matcher(plan).find(), statement + "\n" + plan));
      checks.add(() -> assertEquals(List.of(), indexScansWithoutCondition(plan), statement + "\n" + plan));
    }
    checks.add(() -> assertTrue(plansWhenFull.get(0).contains("Index Scan using tasks_claimable_idx"),
        "the claim walks the claimable index in claim order:\n" + plansWhenFull.get(0)));
    checks.add(() -> assertFalse(plansWhenFull.get(0).contains("slot = "),
        "a generic plan expects 10 slots; a join on the slot number would compare every pair of thousands:\n"
            + plansWhenFull.get(0)));
    checks.add(() -> assertEquals(List.of(), customPlans(), "every statement ran its generic plan"));
    assertAll(checks);
  }

  /**
   * Index scans of tasks or task_logs with no Index Cond: they read the whole index, which costs
   * as much as the sequential scan the settings price out.
   */
  private static List<String> indexScansWithoutCondition(String plan) {
    List<String> unbounded = new ArrayList<>();
    String[] lines = plan.split("\n");
    for (int i = 0; i < lines.length; i++) {
      Matcher scan = INDEX_SCAN.matcher(lines[i]);
      if (scan.find()) {
        boolean conditioned = false;
        for (int j = i + 1; j < lines.length && !lines[j].contains("->"); j++) {
          conditioned |= lines[j].contains("Index Cond:");
        }
        if (!conditioned) {
          unbounded.add(lines[i].trim());
        }
      }
    }
    return unbounded;
  }

  /** Prepared statements of the test's one connection that were ever run with a custom plan. */
  private static List<String> customPlans() {
    List<String> names = new ArrayList<>();
    pool.query("SELECT name FROM pg_prepared_statements WHERE name LIKE 'hot\\_%' AND (custom_plans > 0 OR generic_plans = 0)")
        .execute().await().forEach(row -> names.add(row.getString(0)));
    return names;
  }

  private static String explain(int index, String statement) {
    StringBuilder plan = new StringBuilder();
    pool.query("EXPLAIN EXECUTE hot_" + index + "(" + HOT_STATEMENTS.get(statement) + ")").execute().await()
        .forEach(row -> plan.append(row.getString(0)).append('\n'));
    return plan.toString();
  }

}
