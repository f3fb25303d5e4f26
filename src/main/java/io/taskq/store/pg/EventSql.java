package io.taskq.store.pg;

/**
 * The statements of external events: their arrival, which releases the tasks waiting on them,
 * and the steps of a graph transaction whose tasks wait on events (changeset 023).
 *
 * <p>An arrival and a graph that waits on the same key must not pass each other: the graph could
 * find the event absent and write its wait after the arrival had already counted the waits down,
 * and the task would wait for ever. Both take the advisory lock of (project, key) in a statement
 * of their own, so the statements that follow (the arrival's insert, the graph's look-up) take
 * their snapshots after the other side committed. A graph takes the locks of all its keys in one
 * statement, sorted, so two graphs sharing keys cannot deadlock; an arrival takes one.
 */
final class EventSql {

  private EventSql() {
  }

  /** The lock key of (project, key); the project id is all digits, so the first '.' after it ends it. */
  private static final String LOCK_KEY_OF = "hashtextextended('taskq.events.' || $1::bigint || '.' || %s, 0)";

  /** $1 project_id, $2 key. */
  static final String LOCK_KEY = "SELECT pg_advisory_xact_lock(%s)".formatted(LOCK_KEY_OF.formatted("$2::text"));

  /**
   * The locks of a graph's keys, taken in key order: from a sorted subquery, because the order in
   * which a plain projection calls the function is not defined. $1 project_id, $2 keys text[].
   */
  static final String LOCK_KEYS = """
      SELECT count(pg_advisory_xact_lock(%s))
        FROM (SELECT DISTINCT k FROM unnest($2::text[]) AS u(k) ORDER BY k) AS sorted
      """.formatted(LOCK_KEY_OF.formatted("sorted.k"));

  /** The keys of $2 received and not expired, with their payloads. $1 project_id, $2 keys text[]. */
  static final String FIND_ARRIVED = """
      SELECT key, payload FROM events
       WHERE project_id = $1 AND key = ANY ($2::text[]) AND expires_at > now()
      """;

  /** The waits of new tasks on events not yet received. $1 project_id, $2 task ids bigint[], $3 keys text[]. */
  static final String WAIT = """
      INSERT INTO task_event_waits (project_id, task_id, event_key)
      SELECT $1, w.task_id, w.event_key FROM unnest($2::bigint[], $3::text[]) AS w(task_id, event_key)
      ON CONFLICT DO NOTHING
      """;

  /**
   * Records an event and, only when it is new, counts down the tasks waiting on it: their wait
   * rows are deleted (so each wait counts once, and a repeat finds none), the tasks are locked in
   * id order (as TaskSql's release does, so that it and this cannot deadlock), the payload is
   * merged into each task's event_payloads, and those that nothing else holds are released. An
   * expired event that retention has not deleted yet is replaced, as if it were absent. A task
   * that completes with its children is left blocked: it is never claimed.
   *
   * <p>Answers one row: the event as stored (the first payload wins), whether this call recorded
   * it, and how many tasks it released. $1 project_id, $2 key, $3 payload (JSON text, null: none),
   * $4 retention in seconds.
   */
  static final String RECEIVE = """
      WITH arrived AS (
          INSERT INTO events AS e (project_id, key, payload, expires_at)
          VALUES ($1, $2, $3::text::jsonb, now() + $4::bigint * interval '1 second')
          ON CONFLICT (project_id, key) DO UPDATE
             SET payload = EXCLUDED.payload, received_at = now(), expires_at = EXCLUDED.expires_at
           WHERE e.expires_at <= now()
          RETURNING e.*
      ), waits AS (
          DELETE FROM task_event_waits w
           WHERE w.project_id = $1 AND w.event_key = $2 AND EXISTS (SELECT 1 FROM arrived)
          RETURNING w.task_id
      ), waiting AS MATERIALIZED (
          SELECT t.id FROM tasks t WHERE t.id IN (SELECT task_id FROM waits) ORDER BY t.id FOR NO KEY UPDATE
      ), unblocked AS (
          UPDATE tasks t
             SET unmet_prerequisites = t.unmet_prerequisites - 1,
                 event_payloads = coalesce(t.event_payloads, '{}'::jsonb) || jsonb_build_object($2::text, a.payload),
                 status = CASE WHEN t.status = 'blocked' AND t.unmet_prerequisites = 1 AND NOT t.complete_when_children_done
                               THEN 'pending' ELSE t.status END,
                 run_at = CASE WHEN t.status = 'blocked' AND t.unmet_prerequisites = 1 AND NOT t.complete_when_children_done
                               THEN greatest(t.run_at, now()) ELSE t.run_at END, -- the queue wait counts from the release
                 updated_at = now()
            FROM arrived a
           WHERE t.id IN (SELECT id FROM waiting)
          RETURNING t.id, t.status, t.unmet_prerequisites
      ), released AS (
          SELECT id FROM unblocked WHERE status = 'pending' AND unmet_prerequisites = 0
      ), release_logged AS (
          INSERT INTO task_logs (task_id, event, metadata)
          SELECT id, 'released', jsonb_build_object('cause', 'event', 'event', $2::text) FROM released
      )
      SELECT true AS created, a.*, (SELECT count(*) FROM released) AS released FROM arrived a
      UNION ALL
      SELECT false AS created, e.*, 0 AS released FROM events e
       WHERE e.project_id = $1 AND e.key = $2 AND NOT EXISTS (SELECT 1 FROM arrived)
      """;
}
