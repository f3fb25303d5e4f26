package io.taskq.store.pg;

/**
 * The statements of links between tasks, apart from the release and the cascade, which live in
 * the statements that finish tasks ({@link TaskSql}).
 */
final class DependencySql {

  private DependencySql() {
  }

  /**
   * The existing tasks a graph names as prerequisites. Those a holding link will name ($2, $3)
   * are marked as having dependents unless they completed: the update takes their row lock and
   * makes a new row version, which a concurrent finishing statement notices
   * (TaskSql.DEPENDENTS_SEEN) and answers by trying again with a snapshot that sees the link.
   * RETURNING gives the newest version, so a marked row's status is current; a holding task that
   * is found but not marked had completed, perhaps concurrently, and does not hold. The others
   * ($4, $5: named only by suggests links) are looked up. $1 project_id, $2 holding ids bigint[],
   * $3 holding external ids text[], $4 other ids bigint[], $5 other external ids text[].
   */
  static final String MARK_PREREQUISITES = """
      WITH holding AS MATERIALIZED (   -- locked in id order: two graphs naming the same tasks cannot deadlock
          SELECT t.id FROM tasks t
           WHERE t.project_id = $1 AND (t.id = ANY ($2::bigint[]) OR t.external_id = ANY ($3::text[]))
             AND t.status <> 'completed'
           ORDER BY t.id
             FOR NO KEY UPDATE
      ), marked AS (
          UPDATE tasks t SET has_dependents = true
            FROM holding h
           WHERE t.id = h.id AND t.status <> 'completed'
          RETURNING t.*
      )
      SELECT true AS marked, * FROM marked
      UNION ALL
      SELECT false AS marked, t.* FROM tasks t
       WHERE t.project_id = $1
         AND (t.id = ANY ($2::bigint[] || $4::bigint[]) OR t.external_id = ANY ($3::text[] || $5::text[]))
         AND NOT EXISTS (SELECT 1 FROM marked m WHERE m.id = t.id)
      """;

  /**
   * Sets the count of new tasks of the graph being written whose prerequisites were skipped
   * items that turned out to have completed. $1 task ids bigint[], $2 counts int[].
   */
  static final String RECOUNT = """
      UPDATE tasks t
         SET unmet_prerequisites = r.unmet, status = CASE WHEN r.unmet > 0 THEN 'blocked' ELSE 'pending' END
        FROM unnest($1::bigint[], $2::int[]) AS r(id, unmet)
       WHERE t.id = r.id
      RETURNING t.*
      """;

  /** $1 dependent ids bigint[], $2 prerequisite ids bigint[], $3 link types text[]. */
  static final String LINK = """
      INSERT INTO task_dependencies (task_id, prerequisite_id, link_type)
      SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[])
      ON CONFLICT DO NOTHING
      """;

  /**
   * A page of a task's prerequisites, by id; one row with null link columns when the task has
   * none past {@code after}, no row when the task is not in the project.
   * $1 project_id, $2 task id, $3 after prerequisite id, $4 limit.
   */
  static final String PREREQUISITES = """
      SELECT o.id AS owner_id, l.*
        FROM tasks o
        LEFT JOIN LATERAL (
            SELECT p.id AS task_id, p.external_id, p.type, p.status, d.link_type, d.created_at AS linked_at
              FROM task_dependencies d JOIN tasks p ON p.id = d.prerequisite_id
             WHERE d.task_id = o.id AND d.prerequisite_id > $3
             ORDER BY d.prerequisite_id LIMIT $4
        ) l ON true
       WHERE o.project_id = $1 AND o.id = $2
       ORDER BY l.task_id
      """;

  /** As {@link #PREREQUISITES}, the other way: the tasks that depend on this one, by id. */
  static final String DEPENDENTS = """
      SELECT o.id AS owner_id, l.*
        FROM tasks o
        LEFT JOIN LATERAL (
            SELECT t.id AS task_id, t.external_id, t.type, t.status, d.link_type, d.created_at AS linked_at
              FROM task_dependencies d JOIN tasks t ON t.id = d.task_id
             WHERE d.prerequisite_id = o.id AND d.task_id > $3
             ORDER BY d.task_id LIMIT $4
        ) l ON true
       WHERE o.project_id = $1 AND o.id = $2
       ORDER BY l.task_id
      """;

  /**
   * Removes one link and, when it was a holding link whose prerequisite had not completed, stops
   * counting it: the task is released when nothing else holds it. The prerequisite's row is
   * marked first, for the reason {@link #MARK_PREREQUISITES} gives: a completion of it racing
   * with this statement either committed first (then it is completed, not marked, and already
   * decremented the task) or waits and tries again without the link; never both.
   * $1 project_id, $2 task id, $3 prerequisite id.
   */
  static final String UNLINK = """
      WITH owner AS (
          SELECT id FROM tasks WHERE project_id = $1 AND id = $2
      ), marked AS (
          UPDATE tasks p SET has_dependents = true
           WHERE p.id = $3 AND p.project_id = $1 AND p.status <> 'completed' AND EXISTS (SELECT 1 FROM owner)
          RETURNING p.id
      ), gone AS (
          DELETE FROM task_dependencies d
           WHERE d.task_id = (SELECT id FROM owner) AND d.prerequisite_id = $3
          RETURNING d.link_type
      ), changed AS (
          UPDATE tasks t
             SET unmet_prerequisites = t.unmet_prerequisites - 1,
                 status = CASE WHEN t.status = 'blocked' AND t.unmet_prerequisites = 1 THEN 'pending' ELSE t.status END,
                 run_at = CASE WHEN t.status = 'blocked' AND t.unmet_prerequisites = 1 THEN greatest(t.run_at, now())
                               ELSE t.run_at END
           WHERE t.id = $2 AND t.project_id = $1
             AND EXISTS (SELECT 1 FROM gone WHERE link_type <> 'suggests') AND EXISTS (SELECT 1 FROM marked)
          RETURNING t.*
      ), logged AS (
          INSERT INTO task_logs (task_id, event, metadata)
          SELECT id, 'released', jsonb_build_object('cause', 'link_removed', 'prerequisite_id', $3::bigint)
            FROM changed WHERE status = 'pending' AND unmet_prerequisites = 0
      )
      SELECT EXISTS (SELECT 1 FROM gone) AS removed, c.status = 'pending' AND c.unmet_prerequisites = 0 AS released, c.*
        FROM changed c
      UNION ALL
      SELECT EXISTS (SELECT 1 FROM gone) AS removed, false AS released, t.* FROM tasks t
       WHERE t.project_id = $1 AND t.id = $2 AND NOT EXISTS (SELECT 1 FROM changed)
      """;
}
