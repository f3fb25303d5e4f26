package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.queue.NewTask;
import io.taskq.support.BackendCpu;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A measurement, not part of the suite (its name matches no surefire include): backend CPU per
 * task of {@code TaskSql.INSERT_ALL} in statements of 1,000 tasks like the bench's bulk bodies,
 * on one connection, with parts of what an insert maintains changed in turn: the project checked
 * per row by a foreign key (before changeset 039) or not at all, no 'created' log rows, no insert
 * triggers. Run
 * with {@code mvn -o -B -q test -Dtest=BulkInsertCostProbe -Dsurefire.failIfNoSpecifiedTests=false};
 * the figures are in target/surefire-reports/io.taskq.store.pg.BulkInsertCostProbe-output.txt.
 */
class BulkInsertCostProbe extends ServerTest {

  private static final int BATCH = 1000;
  private static final int STATEMENTS = 60;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void measure() {
    long project = newProject();
    String type = newType();
    List<NewTask> tasks = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      tasks.add(new NewTask(type, "1", null, null, new JsonObject().put("n", i), 0, null, null, null, null, 3, 300));
    }
    String withoutLog = TaskSql.INSERT_ALL.replaceAll("(?s), logged AS \\(.*?\n\\)\n", "\n");
    assertTrue(!withoutLog.contains("task_logs"), withoutLog);
    Map<String, String[]> modes = new LinkedHashMap<>();
    // {statement, before, after}
    modes.put("as shipped", new String[] {TaskSql.INSERT_ALL, "", ""});
    modes.put("project key per row", new String[] {TaskSql.INSERT_ALL,
        "ALTER TABLE tasks ADD CONSTRAINT probe_project_fkey FOREIGN KEY (project_id) REFERENCES projects (id) NOT VALID;"
            + " ALTER TABLE tasks DISABLE TRIGGER tasks_project_exists",
        "ALTER TABLE tasks DROP CONSTRAINT probe_project_fkey; ALTER TABLE tasks ENABLE TRIGGER tasks_project_exists"});
    modes.put("no project check", new String[] {TaskSql.INSERT_ALL, "ALTER TABLE tasks DISABLE TRIGGER tasks_project_exists",
        "ALTER TABLE tasks ENABLE TRIGGER tasks_project_exists"});
    modes.put("no created log", new String[] {withoutLog, "", ""});
    String withoutConflictClause = TaskSql.INSERT_ALL.replace("ON CONFLICT DO NOTHING", "");
    assertTrue(!withoutConflictClause.contains("CONFLICT"), withoutConflictClause);
    modes.put("no ON CONFLICT", new String[] {withoutConflictClause, "", ""});
    String answeringIds = TaskSql.INSERT_ALL.replace("RETURNING *", "RETURNING id").replace("SELECT i.ord, t.* FROM", "SELECT i.ord, t.id FROM");
    assertTrue(!answeringIds.contains("RETURNING *") && !answeringIds.contains("t.*"), answeringIds);
    modes.put("answer ids only", new String[] {answeringIds, "", ""});
    String sequenceLookedUp = TaskSql.INSERT_ALL.replace("nextval('tasks_id_seq'::regclass)", "nextval(pg_get_serial_sequence('tasks', 'id'))");
    assertTrue(sequenceLookedUp.contains("pg_get_serial_sequence"), sequenceLookedUp);
    modes.put("sequence looked up", new String[] {sequenceLookedUp, "", ""});
    modes.put("no insert triggers", new String[] {TaskSql.INSERT_ALL,
        "ALTER TABLE tasks DISABLE TRIGGER tasks_count_inserted; ALTER TABLE tasks DISABLE TRIGGER tasks_search_insert;"
            + " ALTER TABLE tasks DISABLE TRIGGER tasks_project_exists",
        "ALTER TABLE tasks ENABLE TRIGGER tasks_count_inserted; ALTER TABLE tasks ENABLE TRIGGER tasks_search_insert;"
            + " ALTER TABLE tasks ENABLE TRIGGER tasks_project_exists"});
    SqlConnection c = server.sql().getConnection().await();
    StringBuilder out = new StringBuilder();
    for (int round = 0; round < 3; round++) {
      for (Map.Entry<String, String[]> mode : modes.entrySet()) {
        String[] m = mode.getValue();
        if (!m[1].isEmpty()) {
          c.query(m[1]).execute().await();
        }
        for (int i = 0; i < 5; i++) {
          insert(c, m[0], project, tasks);
        }
        long cpu0 = BackendCpu.ticks(c);
        long t0 = System.nanoTime();
        for (int i = 0; i < STATEMENTS; i++) {
          insert(c, m[0], project, tasks);
        }
        long wall = System.nanoTime() - t0;
        long cpu1 = BackendCpu.ticks(c);
        if (!m[2].isEmpty()) {
          c.query(m[2]).execute().await();
        }
        c.query("VACUUM ANALYZE tasks, task_logs, task_stat_deltas").execute().await();
        out.append(String.format("round %d %-19s: %.1f us wall, %.1f us backend cpu per task%n", round, mode.getKey(),
            wall / 1000.0 / (STATEMENTS * BATCH), (cpu1 - cpu0) * 10000.0 / (STATEMENTS * BATCH)));
        System.out.print(out.substring(out.lastIndexOf("round")));
      }
    }
    System.out.println("PROBE\n" + out);
    c.close();
    assertTrue(out.length() > 0);
  }

  private static void insert(SqlConnection c, String statement, long project, List<NewTask> tasks) {
    int n = c.preparedQuery(statement).execute(PgTaskStore.bulkArguments(project, tasks)).await().size();
    assertTrue(n == tasks.size(), "inserted " + n);
  }

}
