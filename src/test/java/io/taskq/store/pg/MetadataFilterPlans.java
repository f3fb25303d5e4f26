package io.taskq.store.pg;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.PlannerSettings;
import io.taskq.db.Pools;
import io.taskq.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The listing's metadata filter ({@link TaskSql#LIST_BY_METADATA}) at 1,000,000 tasks of one
 * project, 10 % of them with metadata: prints each case's plan (EXPLAIN (ANALYZE, BUFFERS), run as
 * the server runs it, with the planner's defaults) and the median of 21 timed runs of the statement.
 * Not a test: a benchmark for benchmarks.md. On the embedded PostgreSQL of the tests (or the server
 * named by TASKQ_TEST_DB_URL):
 * {@code mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test &&
 * java -cp target/classes:target/test-classes:$(cat target/test-cp.txt) io.taskq.store.pg.MetadataFilterPlans}
 */
public final class MetadataFilterPlans {

  private static final int TASKS = 1_000_000;

  private MetadataFilterPlans() {
  }

  public static void main(String[] args) {
    DatabaseTarget db = TestDatabase.fresh("metadata_plans");
    TestDatabase.execute(db, "INSERT INTO projects (id, name) VALUES (1, 'p'), (2, 'q')");
    TestDatabase.execute(db, "INSERT INTO task_types (name, version, param_schema) VALUES ('t', 1, '{}')");
    long started = System.nanoTime();
    // Every 10th task has metadata: half of those team "infra" (50,000: a common value), the rest
    // spread over 9 teams; tenant-<n> over 10,000 tenants (10 tasks each: a selective value); an
    // owner object and a tags array. 90 % of the tasks are completed, as in a queue that keeps history,
    // 10 % pending (every 100th task is pending, with team infra).
    TestDatabase.execute(db, """
        INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds, status, completed_at, metadata)
        SELECT 1, 't', 1, 3, 30, CASE WHEN g % 100 < 10 THEN 'pending' ELSE 'completed' END,
               CASE WHEN g % 100 >= 10 THEN now() END,
               CASE WHEN g % 10 = 0 THEN jsonb_build_object(
                   'team', CASE WHEN g % 20 = 0 THEN 'infra' ELSE 'team-' || (g / 10 % 9) END,
                   'tenant', 'tenant-' || (g / 10 % 10000),
                   'owner', jsonb_build_object('name', 'owner-' || (g / 10 % 100), 'level', g % 7),
                   'tags', jsonb_build_array('t' || (g % 3), 't' || (g % 11))) END
          FROM generate_series(1, {tasks}) g
        """.replace("{tasks}", Integer.toString(TASKS)));
    TestDatabase.execute(db, "VACUUM ANALYZE tasks");
    System.out.printf("filled %,d tasks in %.1f s%n", TASKS, (System.nanoTime() - started) / 1e9);

    Vertx vertx = Vertx.vertx();
    Pool pool = Pools.create(vertx, db, 1);
    try {
      for (Row r : pool.query("""
          SELECT pg_size_pretty(pg_relation_size('tasks_metadata_idx')) AS gin,
                 pg_size_pretty(pg_relation_size('tasks_listing_idx')) AS listing,
                 (SELECT count(*) FROM tasks WHERE metadata IS NOT NULL) AS with_metadata
          """).execute().await()) {
        System.out.printf("tasks_metadata_idx %s, tasks_listing_idx %s, tasks with metadata %,d%n",
            r.getString("gin"), r.getString("listing"), r.getLong("with_metadata"));
      }
      run(pool, "selective: {\"tenant\":\"tenant-42\"} (10 tasks)", TaskSql.LIST_BY_METADATA,
          args(0, null).addString("{\"tenant\":\"tenant-42\"}"));
      run(pool, "common: {\"team\":\"infra\"} (50,000 tasks), first page", TaskSql.LIST_BY_METADATA,
          args(0, null).addString("{\"team\":\"infra\"}"));
      run(pool, "common: {\"team\":\"infra\"}, a page from the middle (after 500,000)", TaskSql.LIST_BY_METADATA,
          args(500_000, null).addString("{\"team\":\"infra\"}"));
      run(pool, "common and pending: {\"team\":\"infra\"}, status pending (10,000 tasks)", TaskSql.LIST_BY_METADATA,
          args(0, "pending").addString("{\"team\":\"infra\"}"));
      run(pool, "common, with a status none of them has: {\"team\":\"infra\"}, status failed (0 tasks)", TaskSql.LIST_BY_METADATA,
          args(0, "failed").addString("{\"team\":\"infra\"}"));
      run(pool, "for comparison, the listing with a status no task has (status failed, 0 tasks)", TaskSql.LIST, args(0, "failed"));
      run(pool, "nested and array: {\"owner\":{\"name\":\"owner-7\"},\"tags\":[\"t1\"]} (about 330 tasks)",
          TaskSql.LIST_BY_METADATA, args(0, null).addString("{\"owner\":{\"name\":\"owner-7\"},\"tags\":[\"t1\"]}"));
      run(pool, "no match: {\"team\":\"nobody\"}", TaskSql.LIST_BY_METADATA, args(0, null).addString("{\"team\":\"nobody\"}"));
      run(pool, "for comparison, the listing without a filter", TaskSql.LIST, args(0, null));
      // What tasks_metadata_idx costs an update that moves a task between indexes (priority is in
      // tasks_claimable_idx, so no update is HOT): 10,000 tasks with metadata against 10,000 without,
      // each set twice, alternating, every statement in its own transaction.
      for (int round = 0; round < 2; round++) {
        for (String which : new String[] {"with metadata", "without metadata"}) {
          String sql = "EXPLAIN (ANALYZE, BUFFERS, WAL) UPDATE tasks SET priority = priority + 1 WHERE id <= 100000 AND id % 10 = "
              + (which.equals("with metadata") ? "0" : "5");
          StringBuilder summary = new StringBuilder();
          for (Row r : pool.query(sql).execute().await()) {
            String line = r.getString(0);
            if (line.startsWith("Update") || line.contains("WAL:") || line.startsWith("Execution Time")) {
              summary.append("  ").append(line.trim()).append('\n');
            }
          }
          System.out.println();
          System.out.println("### update of 10,000 tasks " + which + ", round " + (round + 1));
          System.out.print(summary);
        }
      }
    } finally {
      pool.close().await();
      vertx.close().await();
    }
    System.exit(0);
  }

  /** LIST's arguments for project 1, a page of 100 (+1), no filter but {@code status}. */
  private static Tuple args(long after, String status) {
    return Tuple.tuple().addLong(1L).addLong(after).addString(status).addString(null).addString(null).addString(null)
        .addInteger(101).addLong(null);
  }

  private static void run(Pool pool, String label, String sql, Tuple args) {
    System.out.println();
    System.out.println("### " + label);
    int rows = PlannerSettings.withDefaultPlanning(pool, sql, args).await().size();
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      long t0 = System.nanoTime();
      PlannerSettings.withDefaultPlanning(pool, sql, args).await();
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    Collections.sort(ms);
    System.out.printf("rows %d; statement with its transaction, from the client: median %.2f ms, min %.2f, max %.2f (21 runs)%n",
        rows, ms.get(10), ms.get(0), ms.get(20));
    System.out.println("```");
    for (Row r : PlannerSettings.withDefaultPlanning(pool, "EXPLAIN (ANALYZE, BUFFERS) " + sql, args).await()) {
      System.out.println(r.getString(0));
    }
    System.out.println("```");
  }
}
