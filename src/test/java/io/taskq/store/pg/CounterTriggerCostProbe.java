package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not part of the suite (its name matches no surefire include): backend CPU of a
 * single claim + complete (TaskSql.CLAIM and COMPLETE_ALL) on one connection, with the counters
 * kept in several ways: the claim and the completion counted by the update triggers (as before
 * changeset 038), the claim counting itself, both counting themselves (038), one update trigger for both counters (merged: both inserts in one
 * statement; paired: old and new rows paired once for both), the task counters only, trigger
 * bodies that do nothing (the cost of the transition tables and the call), and no trigger (the
 * floor). Run with
 * {@code mvn -o -B -q test -Dtest=CounterTriggerCostProbe -Dsurefire.failIfNoSpecifiedTests=false};
 * the figures are in target/surefire-reports/io.taskq.store.pg.CounterTriggerCostProbe-output.txt
 * (src/site/markdown/benchmarks.md, "Counters on the hot path (issue 14)").
 */
class CounterTriggerCostProbe extends ServerTest {

  @Test
  @org.junit.jupiter.api.Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
  void measure() {
    long project = newProject();
    String type = newType();
    for (int b = 0; b < 4; b++) {
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 10000; i++) {
        batch.add(new JsonObject().put("type", type));
      }
      admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", batch)).expect(201);
    }
    SqlConnection c = server.sql().getConnection().await();
    c.query("VACUUM ANALYZE tasks").execute().await();
    String stats = def(c, "taskq_count_updated_tasks");
    String workers = def(c, "worker_deltas_from_tasks");
    Map<String, String[]> modes = new LinkedHashMap<>();
    String byTriggers = TRIGGER_COUNTED_COMPLETE;
    modes.put("both-by-triggers", new String[] {stats, workers, "ENABLE", "ENABLE", TRIGGER_COUNTED_CLAIM, byTriggers});
    modes.put("claim-counts-itself", new String[] {stats, workers, "ENABLE", "ENABLE", TaskSql.CLAIM, byTriggers});
    modes.put("both-count-themselves", new String[] {stats, workers, "ENABLE", "ENABLE", TaskSql.CLAIM, TaskSql.COMPLETE_ALL});
    modes.put("paired", new String[] {PAIRED, workers, "ENABLE", "DISABLE", TRIGGER_COUNTED_CLAIM, byTriggers});
    modes.put("merged", new String[] {MERGED, workers, "ENABLE", "DISABLE", TRIGGER_COUNTED_CLAIM, byTriggers});
    modes.put("stats-only", new String[] {stats, workers, "ENABLE", "DISABLE", TRIGGER_COUNTED_CLAIM, byTriggers});
    modes.put("empty", new String[] {EMPTY.formatted("taskq_count_updated_tasks"), EMPTY.formatted("worker_deltas_from_tasks"), "ENABLE", "ENABLE", TRIGGER_COUNTED_CLAIM, byTriggers});
    modes.put("none", new String[] {stats, workers, "DISABLE", "DISABLE", TRIGGER_COUNTED_CLAIM, byTriggers});
    for (String statement : new String[] {TRIGGER_COUNTED_CLAIM, TRIGGER_COUNTED_COMPLETE}) {
      assertTrue(!statement.contains("taskq.counted") && !statement.contains("seen AS") && !statement.contains("counted AS"), statement);
    }
    StringBuilder out = new StringBuilder();
    for (int round = 0; round < 2; round++) {
      for (Map.Entry<String, String[]> mode : modes.entrySet()) {
        String[] m = mode.getValue();
        c.query(m[0]).execute().await();
        c.query(m[1]).execute().await();
        c.query("ALTER TABLE tasks " + m[2] + " TRIGGER tasks_count_updated").execute().await();
        c.query("ALTER TABLE tasks " + m[3] + " TRIGGER tasks_worker_deltas").execute().await();
        c.query("VACUUM task_stat_deltas, worker_deltas").execute().await();
        for (int i = 0; i < 100; i++) {
          cycle(c, project, m[4], m[5]);
        }
        long cpu0 = backendCpu(c);
        long t0 = System.nanoTime();
        int n = 1000;
        for (int i = 0; i < n; i++) {
          cycle(c, project, m[4], m[5]);
        }
        long wall = System.nanoTime() - t0;
        long cpu1 = backendCpu(c);
        out.append(String.format("round %d %-19s: claim+complete %.1f us wall, %.1f us backend cpu per task%n", round, mode.getKey(),
            wall / 1000.0 / n, (cpu1 - cpu0) * 10000.0 / n));
        System.out.print(out.substring(out.lastIndexOf("round")));
      }
    }
    c.query(stats).execute().await();
    c.query(workers).execute().await();
    c.query("ALTER TABLE tasks ENABLE TRIGGER tasks_count_updated").execute().await();
    c.query("ALTER TABLE tasks ENABLE TRIGGER tasks_worker_deltas").execute().await();
    System.out.println("PROBE\n" + out);
    c.close();
    assertTrue(out.length() > 0);
  }

  /** The claim as it was before changeset 038: counted by the update triggers. */
  private static final String TRIGGER_COUNTED_CLAIM = byTheTriggers(TaskSql.CLAIM);

  /** The completion as it was before changeset 038. */
  private static final String TRIGGER_COUNTED_COMPLETE = byTheTriggers(TaskSql.COMPLETE_ALL);

  /** A statement that counts itself, without its mark and its counting CTEs. */
  private static String byTheTriggers(String statement) {
    return statement.replaceAll("(?m)^.*set_config\\('taskq.counted'.*\n", "")
        .replaceAll("(?s),\\s*counted AS \\(.*?\n\\), seen AS \\(.*?\n\\)\n", "\n");
  }

  private static final String EMPTY =
      "CREATE OR REPLACE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$";

  /** Both counters from one pairing of old and new rows by id, shared by the two inserts of one statement. */
  static final String PAIRED = """
      CREATE OR REPLACE FUNCTION taskq_count_updated_tasks() RETURNS trigger LANGUAGE plpgsql AS $f$
      BEGIN
          WITH pair AS MATERIALIZED (
              SELECT max(project_id) AS project_id,
                     max(type) FILTER (WHERE is_old) AS old_type, max(type) FILTER (WHERE NOT is_old) AS new_type,
                     max(status) FILTER (WHERE is_old) AS was, max(status) FILTER (WHERE NOT is_old) AS now_status,
                     max(attempts) FILTER (WHERE is_old) AS old_attempts, max(attempts) FILTER (WHERE NOT is_old) AS new_attempts,
                     max(worker_id) FILTER (WHERE NOT is_old) AS worker_id,
                     max(lease_expires_at) FILTER (WHERE is_old) AS old_expiry,
                     max(claimed_at) FILTER (WHERE is_old) AS old_claimed_at,
                     max(claimed_at) FILTER (WHERE NOT is_old) AS new_claimed_at,
                     max(completed_at) FILTER (WHERE NOT is_old) AS completed_at
                FROM (SELECT true AS is_old, id, project_id, coalesce(type, '') AS type, status, attempts, worker_id,
                             lease_expires_at, claimed_at, completed_at FROM old_tasks
                      UNION ALL
                      SELECT false, id, project_id, coalesce(type, ''), status, attempts, worker_id,
                             lease_expires_at, claimed_at, completed_at FROM new_tasks) v
               GROUP BY id
          ), w AS (
              INSERT INTO worker_deltas (project_id, worker_id, seen_at, claimed, completed, failed, expired, processing_us)
              SELECT project_id, worker_id,
                     CASE WHEN bool_or(now_status = 'claimed'
                                       OR (was = 'claimed' AND now_status <> 'cancelled' AND old_expiry > now())) THEN now() END,
                     count(*) FILTER (WHERE now_status = 'claimed' AND new_claimed_at IS DISTINCT FROM old_claimed_at),
                     count(*) FILTER (WHERE was = 'claimed' AND now_status = 'completed'),
                     count(*) FILTER (WHERE was = 'claimed' AND now_status IN ('pending', 'failed') AND old_expiry > now()),
                     count(*) FILTER (WHERE was = 'claimed' AND now_status IN ('pending', 'failed') AND old_expiry <= now()),
                     coalesce(sum((extract(epoch FROM completed_at - old_claimed_at) * 1000000)::bigint)
                              FILTER (WHERE was = 'claimed' AND now_status = 'completed'), 0)
                FROM pair
               WHERE (was = 'claimed' OR now_status = 'claimed') AND worker_id IS NOT NULL
               GROUP BY project_id, worker_id
              HAVING bool_or(now_status <> 'cancelled')
          )
          INSERT INTO task_stat_deltas (project_id, type, status, attempts, at_minute, tasks, created, entered)
          SELECT project_id, type, status, attempts, date_trunc('minute', now()), sum(tasks), 0, sum(entered)
            FROM (SELECT project_id, new_type AS type, now_status AS status, new_attempts AS attempts, 1 AS tasks,
                         CASE WHEN now_status <> was THEN 1 ELSE 0 END AS entered
                    FROM pair
                  UNION ALL
                  SELECT project_id, old_type, was, old_attempts, -1, 0 FROM pair) x
           GROUP BY project_id, type, status, attempts
          HAVING sum(tasks) <> 0 OR sum(entered) <> 0;
          RETURN NULL;
      END
      $f$""";

  /** Both counters from one update trigger, the worker rows in a CTE of the stats INSERT: one statement. */
  private static final String MERGED = """
      CREATE OR REPLACE FUNCTION taskq_count_updated_tasks() RETURNS trigger LANGUAGE plpgsql SET enable_nestloop = off AS $f$
      BEGIN
          WITH w AS (
          INSERT INTO worker_deltas (project_id, worker_id, seen_at, claimed, completed, failed, expired, processing_us)
          SELECT project_id, worker_id,
                 CASE WHEN bool_or(now_status = 'claimed'
                                   OR (was = 'claimed' AND now_status <> 'cancelled' AND old_expiry > now())) THEN now() END,
                 count(*) FILTER (WHERE now_status = 'claimed' AND new_claimed_at IS DISTINCT FROM old_claimed_at),
                 count(*) FILTER (WHERE was = 'claimed' AND now_status = 'completed'),
                 count(*) FILTER (WHERE was = 'claimed' AND now_status IN ('pending', 'failed') AND old_expiry > now()),
                 count(*) FILTER (WHERE was = 'claimed' AND now_status IN ('pending', 'failed') AND old_expiry <= now()),
                 coalesce(sum((extract(epoch FROM completed_at - old_claimed_at) * 1000000)::bigint)
                          FILTER (WHERE was = 'claimed' AND now_status = 'completed'), 0)
            FROM (SELECT max(project_id) AS project_id,
                         max(worker_id) FILTER (WHERE NOT is_old) AS worker_id,
                         max(status) FILTER (WHERE is_old) AS was,
                         max(status) FILTER (WHERE NOT is_old) AS now_status,
                         max(lease_expires_at) FILTER (WHERE is_old) AS old_expiry,
                         max(claimed_at) FILTER (WHERE is_old) AS old_claimed_at,
                         max(claimed_at) FILTER (WHERE NOT is_old) AS new_claimed_at,
                         max(completed_at) FILTER (WHERE NOT is_old) AS completed_at
                    FROM (SELECT true AS is_old, id, project_id, worker_id, status, lease_expires_at, claimed_at, completed_at FROM old_tasks
                          UNION ALL
                          SELECT false, id, project_id, worker_id, status, lease_expires_at, claimed_at, completed_at FROM new_tasks) v
                   GROUP BY id) c
           WHERE (was = 'claimed' OR now_status = 'claimed') AND worker_id IS NOT NULL
           GROUP BY project_id, worker_id
          HAVING bool_or(now_status <> 'cancelled')
          )
          INSERT INTO task_stat_deltas (project_id, type, status, attempts, at_minute, tasks, created, entered)
          SELECT project_id, type, status, attempts, date_trunc('minute', now()), sum(tasks), 0, sum(entered)
            FROM (SELECT n.project_id, coalesce(n.type, '') AS type, n.status, n.attempts, 1 AS tasks,
                         CASE WHEN n.status <> o.status THEN 1 ELSE 0 END AS entered
                    FROM new_tasks n JOIN old_tasks o ON o.id = n.id
                  UNION ALL
                  SELECT project_id, coalesce(type, ''), status, attempts, -1, 0 FROM old_tasks) x
           GROUP BY project_id, type, status, attempts
          HAVING sum(tasks) <> 0 OR sum(entered) <> 0;
          RETURN NULL;
      END
      $f$""";

  private static String def(SqlConnection c, String function) {
    return c.query("SELECT pg_get_functiondef('" + function + "'::regproc)").execute().await().iterator().next().getString(0);
  }

  private static long pid(SqlConnection c) {
    return c.query("SELECT pg_backend_pid()").execute().await().iterator().next().getInteger(0);
  }

  /** utime + stime of this connection's backend, in clock ticks (1/100 s). */
  private static long backendCpu(SqlConnection c) {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid(c) + "/stat")).split(" ");
      return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    } catch (Exception e) {
      return -1;
    }
  }

  private static void cycle(SqlConnection c, long project, String claim, String complete) {
    var claimed = c.preparedQuery(claim).execute(io.vertx.sqlclient.Tuple.tuple().addLong(project)
        .addArrayOfString(new String[0]).addArrayOfString(new String[] {"probe"}).addArrayOfInteger(new Integer[] {60})).await();
    var r = claimed.iterator().next();
    c.preparedQuery(complete).execute(io.vertx.sqlclient.Tuple.tuple().addArrayOfLong(new Long[] {project})
        .addArrayOfLong(new Long[] {r.getLong("id")}).addArrayOfUUID(new java.util.UUID[] {r.getUUID("lease_id")})
        .addArrayOfString(new String[1])).await();
  }
}
