package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.BackendCpu;
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
 * changeset 038), the claim counting itself, both counting themselves (038), the task counters
 * only, trigger bodies that do nothing (the cost of the transition tables and the call), and no
 * trigger (the floor). Two rejected variants (one update trigger for both counters, merged or
 * paired) were measured by this probe up to commit 1f74bbd, which has their SQL. Run with
 * {@code mvn -o -B -q test -Dtest=CounterTriggerCostProbe -Dsurefire.failIfNoSpecifiedTests=false};
 * the figures are in target/surefire-reports/io.taskq.store.pg.CounterTriggerCostProbe-output.txt
 * (src/site/markdown/benchmarks.md, "Counters on the hot path").
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
        long cpu0 = BackendCpu.ticks(c);
        long t0 = System.nanoTime();
        int n = 1000;
        for (int i = 0; i < n; i++) {
          cycle(c, project, m[4], m[5]);
        }
        long wall = System.nanoTime() - t0;
        long cpu1 = BackendCpu.ticks(c);
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

  private static String def(SqlConnection c, String function) {
    return c.query("SELECT pg_get_functiondef('" + function + "'::regproc)").execute().await().iterator().next().getString(0);
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
