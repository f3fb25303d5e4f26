package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.BackendCpu;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not part of the suite (its name matches no surefire include): PostgreSQL CPU of
 * the claim and complete statements with the worker trigger of changeset 037 as it is, with an
 * empty body, and disabled. Run with
 * {@code mvn -o -B -q test -Dtest=WorkerTriggerCostProbe -Dsurefire.failIfNoSpecifiedTests=false};
 * the figures are printed to target/surefire-reports/io.taskq.store.pg.WorkerTriggerCostProbe-output.txt
 * (src/site/markdown/benchmarks.md, "Workers").
 */
class WorkerTriggerCostProbe extends ServerTest {

  @Test
  void measure() {
    long project = newProject();
    String type = newType();
    for (int b = 0; b < 2; b++) {
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 10000; i++) {
        batch.add(new JsonObject().put("type", type));
      }
      admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", batch)).expect(201);
    }
    SqlConnection c = server.sql().getConnection().await();
    c.query("VACUUM ANALYZE tasks").execute().await();
    StringBuilder out = new StringBuilder();
    String full = c.query("SELECT pg_get_functiondef('worker_deltas_from_tasks'::regproc)").execute().await().iterator().next().getString(0);
    String empty = "CREATE OR REPLACE FUNCTION worker_deltas_from_tasks() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$";
    for (int round = 0; round < 2; round++) {
      for (String mode : new String[] {"full", "empty", "off"}) {
        boolean on = !mode.equals("off");
        c.query(mode.equals("empty") ? empty : full).execute().await();
        c.query("ALTER TABLE tasks " + (on ? "ENABLE" : "DISABLE") + " TRIGGER tasks_worker_deltas").execute().await();
        long cpu0 = BackendCpu.ticks(c);
        long t0 = System.nanoTime();
        for (int i = 0; i < 500; i++) {
          cycle(c, project, 1);
        }
        long singles = System.nanoTime() - t0;
        long cpu1 = BackendCpu.ticks(c);
        long t1 = System.nanoTime();
        for (int i = 0; i < 15; i++) {
          cycle(c, project, 100);
        }
        long batches = System.nanoTime() - t1;
        long cpu2 = BackendCpu.ticks(c);
        out.append(String.format("round %d trigger %-5s: single claim+complete %.1f us wall, %.1f us backend cpu per pair;"
            + " claim 100 + complete 100 %.1f us wall, %.1f us cpu per task%n", round, mode,
            singles / 1000.0 / 500, (cpu1 - cpu0) * 10000.0 / 500, batches / 1000.0 / 1500, (cpu2 - cpu1) * 10000.0 / 1500));
      }
    }
    c.query(full).execute().await();
    c.query("ALTER TABLE tasks ENABLE TRIGGER tasks_worker_deltas").execute().await();
    System.out.println("PROBE\n" + out);
    c.close();
    assertTrue(out.length() > 0);
  }

  private static void cycle(SqlConnection c, long project, int n) {
    String[] workers = new String[n];
    Integer[] leases = new Integer[n];
    for (int i = 0; i < n; i++) {
      workers[i] = "probe-" + (i % 4);
      leases[i] = 60;
    }
    RowSet<Row> claimed = c.preparedQuery(TaskSql.CLAIM).execute(Tuple.tuple().addLong(project).addArrayOfString(new String[0])
        .addArrayOfString(workers).addArrayOfInteger(leases)).await();
    List<Long> projects = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    List<UUID> leaseIds = new ArrayList<>();
    for (Row r : claimed) {
      projects.add(project);
      ids.add(r.getLong("id"));
      leaseIds.add(r.getUUID("lease_id"));
    }
    c.preparedQuery(TaskSql.COMPLETE_ALL).execute(Tuple.tuple().addArrayOfLong(projects.toArray(new Long[0]))
        .addArrayOfLong(ids.toArray(new Long[0])).addArrayOfUUID(leaseIds.toArray(new UUID[0]))
        .addArrayOfString(new String[ids.size()])).await();
  }
}
