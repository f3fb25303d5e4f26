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
   * Sets the count of new tasks of the graph being written whose prerequisites (or children) were
   * skipped items that turned out to have completed (or were not created). A parent that
   * completes with its children stays blocked at 0: it waits for a child. $1 task ids bigint[],
   * $2 counts int[].
   */
  static final String RECOUNT = """
      UPDATE tasks t
         SET unmet_prerequisites = r.unmet,
             status = CASE WHEN r.unmet > 0 OR t.complete_when_children_done THEN 'blocked' ELSE 'pending' END
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
   * decremented the task) or waits and tries again without the link; never both. A 'child' link
   * is not removed (it goes with the child's parent_id), and a parent that completes with its
   * children is never released to be claimed: at 0 it stays blocked, waiting for a child.
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
           WHERE d.task_id = (SELECT id FROM owner) AND d.prerequisite_id = $3 AND d.link_type <> 'child'
          RETURNING d.link_type
      ), changed AS (
          UPDATE tasks t
             SET unmet_prerequisites = t.unmet_prerequisites - 1,
                 status = CASE WHEN t.status = 'blocked' AND t.unmet_prerequisites = 1 AND NOT t.complete_when_children_done
                               THEN 'pending' ELSE t.status END,
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

  /**
   * Counts new children against stored parents that complete with their children, each only
   * while it is blocked. The parents are locked in id order first, as the release locks its
   * dependents (TaskSql.RELEASE_DEPENDENTS), so the two cannot deadlock; a parent that completed,
   * failed or was cancelled meanwhile is re-read at its newest version and left alone, and its
   * absence from the answer fails the graph. $1 parent ids bigint[], $2 new children int[].
   */
  static final String COUNT_CHILDREN = """
      WITH locked AS MATERIALIZED (
          SELECT t.id FROM tasks t WHERE t.id = ANY ($1::bigint[]) AND t.status = 'blocked' ORDER BY t.id FOR NO KEY UPDATE
      )
      UPDATE tasks t SET unmet_prerequisites = t.unmet_prerequisites + r.n
        FROM unnest($1::bigint[], $2::int[]) AS r(id, n)
       WHERE t.id = r.id AND t.id IN (SELECT id FROM locked) AND t.status = 'blocked'
      RETURNING t.id
      """;

  /**
   * Which of the targets ($2) each start ($1) waits on: the walk follows holding links from a
   * task to its prerequisites (a parent that completes with its children to each child) while
   * the task has not completed (a completed task waits on nothing). UNION keeps the walk finite.
   * $1 start ids bigint[], $2 target ids bigint[].
   */
  static final String WAITS_ON = """
      WITH RECURSIVE walk (start, id) AS (
          SELECT s, s FROM unnest($1::bigint[]) AS s
          UNION
          SELECT w.start, p.id
            FROM walk w
           CROSS JOIN LATERAL (
               SELECT d.prerequisite_id AS id FROM tasks t JOIN task_dependencies d ON d.task_id = t.id
                WHERE t.id = w.id AND t.status <> 'completed' AND d.link_type <> 'suggests'
               OFFSET 0 -- looked up per task of the walk (see SUBTREE)
           ) p
      )
      SELECT start, id FROM walk WHERE id = ANY ($2::bigint[])
      """;

  /**
   * Gives new tasks of the graph being written the stored task that stands for their parent
   * item, and marks those counted by it as having dependents. $1 child ids bigint[], $2 parent
   * ids bigint[], $3 whether the parent counts the child boolean[].
   */
  static final String ADOPT = """
      UPDATE tasks t SET parent_id = r.parent_id, has_dependents = t.has_dependents OR r.linked
        FROM unnest($1::bigint[], $2::bigint[], $3::boolean[]) AS r(id, parent_id, linked)
       WHERE t.id = r.id
      RETURNING t.*
      """;

  /**
   * A page of a task's children, by id, through tasks_parent_idx; one row with null task columns
   * when it has none past {@code after}, no row when the task is not in the project.
   * $1 project_id, $2 task id, $3 after child id, $4 limit.
   */
  static final String CHILDREN = """
      SELECT o.id AS owner_id, c.*
        FROM tasks o
        LEFT JOIN LATERAL (
            SELECT * FROM tasks c WHERE c.parent_id = o.id AND c.id > $3 ORDER BY c.id LIMIT $4
        ) c ON true
       WHERE o.project_id = $1 AND o.id = $2
       ORDER BY c.id
      """;

  /** How deep {@link #SUBTREE} walks below the task: its children are depth 1. */
  static final int SUBTREE_DEPTH = io.taskq.store.DependencyStore.SUBTREE_DEPTH;

  /**
   * A page of a task's subtree (children, their children, ... down to depth 20), by id, as
   * {@link #CHILDREN} answers. The walk reads tasks_parent_idx only (id by parent); the page is cut
   * from the whole subtree, so each page costs the subtree's size. The children of each level are
   * looked up per parent (OFFSET 0 keeps the planner from turning that into a join that reads
   * every child of every parent, which a generic plan made on a small table chose), and only
   * the page's tasks are read from the table. A parent cannot be its own
   * descendant (parents are existing tasks or items of the same request, checked acyclic); the
   * depth bound keeps the walk finite regardless. $1 project_id, $2 task id, $3 after id, $4 limit.
   */
  static final String SUBTREE = """
      WITH RECURSIVE owner AS (
          SELECT id FROM tasks WHERE project_id = $1 AND id = $2
      ), subtree (id, depth) AS (
          SELECT c.id, 1 FROM tasks c WHERE c.parent_id = (SELECT id FROM owner)
          UNION ALL
          SELECT c.id, s.depth + 1
            FROM subtree s
           CROSS JOIN LATERAL (SELECT k.id FROM tasks k WHERE k.parent_id = s.id OFFSET 0) c
           WHERE s.depth < %d
      )
      SELECT o.id AS owner_id, c.*
        FROM owner o
        LEFT JOIN LATERAL (
            SELECT t.* FROM (SELECT id FROM subtree WHERE id > $3 ORDER BY id LIMIT $4) p JOIN tasks t ON t.id = p.id
        ) c ON true
       ORDER BY c.id
      """.formatted(SUBTREE_DEPTH);
}
