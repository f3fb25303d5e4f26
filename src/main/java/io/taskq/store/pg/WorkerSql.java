package io.taskq.store.pg;

/**
 * Every statement of the workers aggregate: what taskq knows of each worker id (changeset 037),
 * and the actions on all the leases of one worker at once.
 */
final class WorkerSql {

  private WorkerSql() {
  }

  /** The stats columns, with whether the worker was seen within $3 seconds (both uses number it so). */
  private static final String STATS = """
      SELECT project_id, worker_id, first_seen_at, last_seen_at, leases_held, claimed, completed, failed, expired, released,
             success_rate, avg_processing_ms,
             coalesce(last_seen_at > now() - make_interval(secs => $3), false) AS active
        FROM worker_stats""";

  /** $1 project_id, $2 worker_id, $3 seconds a worker stays active after it was last seen. */
  static final String FIND = """
      %s
       WHERE project_id = $1 AND worker_id = $2""".formatted(STATS);

  /**
   * A page of a project's workers by id, after $2 (null: from the first); $3 seconds a worker
   * stays active, $4 only active (true) or inactive (false) ones, null: all; $5 rows.
   */
  static final String LIST = """
      SELECT * FROM (
      %s
       WHERE project_id = $1 AND ($2::text IS NULL OR worker_id > $2)) w
       WHERE ($4::boolean IS NULL OR active = $4)
       ORDER BY worker_id
       LIMIT $5
      """.formatted(STATS);

  /** Whether the worker was ever seen in the project (folded or not). $1 project_id, $2 worker_id. */
  static final String KNOWN = """
      SELECT EXISTS (SELECT 1 FROM workers WHERE project_id = $1 AND worker_id = $2)
          OR EXISTS (SELECT 1 FROM worker_deltas WHERE project_id = $1 AND worker_id = $2) AS known
      """;

  /**
   * Appends sightings noted in memory (claims that found nothing, heartbeats that held nothing):
   * insert-only, like the trigger's rows. $1 project_id bigint[], $2 worker_id text[], $3 seen_at timestamptz[].
   */
  static final String RECORD_SIGHTINGS = """
      INSERT INTO worker_deltas (project_id, worker_id, seen_at)
      SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[])
      """;

  /**
   * Folds up to $1 delta rows into workers: the rows are deleted and their sums added in the
   * same statement, so two leaders at once (a handover) cannot add a row twice (a row is
   * deleted, and returned, once). Rows of projects deleted meanwhile are dropped. Answers how
   * many rows it folded.
   */
  static final String FOLD = """
      WITH moved AS (
          DELETE FROM worker_deltas WHERE ctid IN (SELECT ctid FROM worker_deltas LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING *
      ), summed AS (
          INSERT INTO workers AS w (project_id, worker_id, first_seen_at, last_seen_at, claimed, completed, failed, expired,
                                    released, processing_us)
          SELECT project_id, worker_id, min(seen_at), max(seen_at), sum(claimed), sum(completed), sum(failed), sum(expired),
                 sum(released), sum(processing_us)
            FROM moved m
           WHERE EXISTS (SELECT 1 FROM projects p WHERE p.id = m.project_id)
           GROUP BY project_id, worker_id
          ON CONFLICT (project_id, worker_id) DO UPDATE
             SET first_seen_at = least(w.first_seen_at, EXCLUDED.first_seen_at),
                 last_seen_at = greatest(w.last_seen_at, EXCLUDED.last_seen_at),
                 claimed = w.claimed + EXCLUDED.claimed, completed = w.completed + EXCLUDED.completed,
                 failed = w.failed + EXCLUDED.failed, expired = w.expired + EXCLUDED.expired,
                 released = w.released + EXCLUDED.released, processing_us = w.processing_us + EXCLUDED.processing_us
      )
      SELECT count(*) AS folded FROM moved
      """;

  /**
   * Extends every live lease of a worker in one statement, each by $3 seconds or (null) its
   * task's own lease_seconds, writing a heartbeat log row per task as the per-task heartbeat
   * does. Lapsed leases are not revived (the per-task heartbeat refuses them too). Rows are
   * locked in id order, so two such heartbeats cannot deadlock each other. The statement
   * trigger records the sighting. $1 project_id, $2 worker_id, $3 lease seconds (null: each task's own).
   */
  static final String HEARTBEAT = """
      WITH held AS MATERIALIZED (
          SELECT id FROM tasks
           WHERE status = 'claimed' AND lease_expires_at > now() AND project_id = $1 AND worker_id = $2
           ORDER BY id
             FOR UPDATE
      ), changed AS (
          UPDATE tasks t SET lease_expires_at = now() + make_interval(secs => coalesce($3::int, t.lease_seconds)),
                             updated_at = now()
            FROM held h
           WHERE t.id = h.id AND t.status = 'claimed' AND t.worker_id = $2 AND t.lease_expires_at > now()
          RETURNING t.id, t.worker_id, t.lease_id, t.lease_expires_at
      ), logged AS (
          INSERT INTO task_logs (task_id, event, worker_id, metadata)
          SELECT id, 'heartbeat', worker_id, jsonb_build_object('lease_expires_at', lease_expires_at) FROM changed
      )
      SELECT id, lease_id, lease_expires_at FROM changed ORDER BY id
      """;

  /**
   * Hands back every live lease of a worker, exactly as the lease sweep ends a lapsed one
   * ({@link TaskSql#END_LEASES}), with a log row saying the worker released it. Rows are locked
   * in id order and waited for (not skipped): a lease being completed or heartbeated right now
   * is released after that, if it is still held. The trigger counts each as a failure of the
   * worker; the {@code as_released} row, in the same statement, moves them to released.
   * Answers each locked task with its new status and how many dependents its failure cancelled;
   * a null status means the dependents guard left it claimed, for a second pass.
   * $1 project_id, $2 worker_id.
   */
  static final String RELEASE = TaskSql.END_LEASES.formatted("""
          SELECT id, worker_id, lease_id FROM tasks
           WHERE status = 'claimed' AND lease_expires_at > now() AND project_id = $1 AND worker_id = $2
           ORDER BY id
             FOR UPDATE""",
      "t.status = 'claimed' AND t.worker_id = $2 AND t.lease_expires_at > now()",
      "released by its worker on the last attempt", "'released by its worker'",
      "jsonb_build_object('released_by_worker', true)") + """
      , as_released AS (
          INSERT INTO worker_deltas (project_id, worker_id, failed, released)
          SELECT $1, $2, -count(*), count(*) FROM swept HAVING count(*) > 0
      )
      SELECT e.id, s.status, coalesce(k.n, 0) AS cascaded
        FROM expired e LEFT JOIN swept s ON s.id = e.id
        LEFT JOIN (SELECT root AS id, count(*) AS n FROM cascaded GROUP BY root) k ON k.id = e.id
       ORDER BY e.id
      """;
}
