package io.taskq.support;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * The invariant of the task counters (changeset 035): for every (project, type, status, attempts)
 * group, task_counts plus the deltas not yet folded equal a COUNT(*) of the tasks. One statement,
 * so one snapshot: the triggers write their deltas in the transactions of the changes, so it
 * holds at every instant, even while workers claim and complete, not only once they stop.
 */
public final class StatsInvariant {

  private static final String VIOLATIONS = """
      WITH counted AS (
          SELECT project_id, type, status, attempts, sum(tasks) AS n
            FROM (SELECT project_id, type, status, attempts, tasks FROM task_counts
                  UNION ALL
                  SELECT project_id, type, status, attempts, tasks FROM task_stat_deltas) u
           GROUP BY project_id, type, status, attempts
          HAVING sum(tasks) <> 0
      ), actual AS (
          SELECT project_id, coalesce(type, '') AS type, status, attempts, count(*) AS n FROM tasks
           GROUP BY project_id, coalesce(type, ''), status, attempts
      )
      SELECT project_id, type, status, attempts, c.n AS counted, a.n AS actual
        FROM counted c FULL JOIN actual a USING (project_id, type, status, attempts)
       WHERE c.n IS DISTINCT FROM a.n
       ORDER BY project_id, type, status, attempts
      """;

  private StatsInvariant() {
  }

  /** Every group whose counters disagree with its tasks, described; empty when all agree. */
  public static List<String> violations(Pool pool) {
    List<String> found = new ArrayList<>();
    for (Row row : pool.query(VIOLATIONS).execute().await()) {
      found.add("project " + row.getLong("project_id") + " type '" + row.getString("type") + "' " + row.getString("status")
          + " after " + row.getInteger("attempts") + " attempts: counted " + row.getValue("counted") + ", actually "
          + row.getValue("actual"));
    }
    return found;
  }
}
