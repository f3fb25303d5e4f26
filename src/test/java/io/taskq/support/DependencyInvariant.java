package io.taskq.support;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * The invariant of dependency counts, recounted from the links: a task's unmet_prerequisites is
 * the number of its holding links (requires, blocks, child) whose prerequisite has not completed
 * plus its waits for events not yet arrived, and a live task is blocked exactly when that number
 * is above zero or it is a parent that completes with its children. Tests of dependencies end by asserting that no
 * task breaks it (the schema does not check it: a CHECK would cost every claim and completion).
 */
public final class DependencyInvariant {

  private static final String VIOLATIONS = """
      SELECT t.id, t.status, t.unmet_prerequisites, coalesce(h.n, 0) + coalesce(w.n, 0) AS holding
        FROM tasks t
        LEFT JOIN (SELECT d.task_id, count(*) AS n FROM task_dependencies d JOIN tasks p ON p.id = d.prerequisite_id
                    WHERE d.link_type <> 'suggests' AND p.status <> 'completed' GROUP BY d.task_id) h ON h.task_id = t.id
        LEFT JOIN (SELECT task_id, count(*) AS n FROM task_event_waits GROUP BY task_id) w ON w.task_id = t.id
       WHERE t.unmet_prerequisites <> coalesce(h.n, 0) + coalesce(w.n, 0)
          OR (t.status IN ('pending', 'claimed', 'blocked')
              AND (t.status = 'blocked') <> (t.unmet_prerequisites > 0 OR t.complete_when_children_done))
       ORDER BY t.id
      """;

  private DependencyInvariant() {
  }

  /** Every task that breaks the invariant, described; empty when all hold. */
  public static List<String> violations(Pool pool) {
    List<String> found = new ArrayList<>();
    for (Row row : pool.query(VIOLATIONS).execute().await()) {
      found.add("task " + row.getLong("id") + " is " + row.getString("status") + " with unmet_prerequisites "
          + row.getInteger("unmet_prerequisites") + " but " + row.getLong("holding") + " holding links");
    }
    return found;
  }
}
