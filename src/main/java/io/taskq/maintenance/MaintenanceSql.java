package io.taskq.maintenance;

/**
 * Statements of the periodic jobs that are not a single aggregate's (leadership, retention, purges, gauges).
 * The deletes and the gauges run with the planner's defaults
 * ({@link io.taskq.db.PlannerSettings#withDefaultPlanning}): a generic plan cannot see their
 * batch size, and they are background work, where planning each call costs nothing that matters.
 */
final class MaintenanceSql {

  private MaintenanceSql() {
  }

  /**
   * Takes or renews the lease: succeeds (one row) when nobody holds it, we do, or the holder's
   * lease lapsed. $1 name, $2 holder, $3 lease seconds.
   */
  static final String CLAIM_LEADERSHIP = """
      INSERT INTO leader_leases (name, holder, expires_at)
      VALUES ($1, $2, now() + make_interval(secs => $3))
      ON CONFLICT (name) DO UPDATE
         SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE leader_leases.holder = EXCLUDED.holder OR leader_leases.expires_at < now()
      RETURNING holder
      """;

  /** $1 name, $2 holder. */
  static final String RELEASE_LEADERSHIP = "DELETE FROM leader_leases WHERE name = $1 AND holder = $2";

  /**
   * Deletes up to $3 finished tasks with their logs, links, event waits and search documents: completed and
   * cancelled ones last changed before $1, failed ones before $2. Small batches and SKIP LOCKED keep every
   * transaction short and out of the claimers' way (they never touch finished rows). A finished
   * task that a blocked task still waits on (a failed or cancelled prerequisite of a blocks link,
   * which a retry may yet complete) is kept: without it, nothing could release the waiting task.
   * Answers one row per task.
   */
  static final String DELETE_FINISHED_TASKS = """
      WITH doomed AS (
          DELETE FROM tasks WHERE id IN (
              SELECT id FROM tasks t
               WHERE ((status IN ('completed', 'cancelled') AND updated_at < $1)
                      OR (status = 'failed' AND updated_at < $2))
                 AND NOT (t.has_dependents AND t.status <> 'completed' AND EXISTS (
                          SELECT 1 FROM task_dependencies d JOIN tasks w ON w.id = d.task_id
                           WHERE d.prerequisite_id = t.id AND w.status = 'blocked'))
               LIMIT $3
                 FOR UPDATE SKIP LOCKED)
          RETURNING id
      ), logs AS (
          DELETE FROM task_logs WHERE task_id IN (SELECT id FROM doomed)
      ), prerequisites AS (
          DELETE FROM task_dependencies WHERE task_id IN (SELECT id FROM doomed)
      ), dependents AS (
          DELETE FROM task_dependencies WHERE prerequisite_id IN (SELECT id FROM doomed)
      ), event_waits AS (
          DELETE FROM task_event_waits WHERE task_id IN (SELECT id FROM doomed)
      ), search AS (
          DELETE FROM task_search WHERE task_id IN (SELECT id FROM doomed)
      )
      SELECT id FROM doomed
      """;

  /** $1 batch size. */
  static final String DELETE_EXPIRED_IDEMPOTENCY_RECORDS = """
      DELETE FROM idempotency_records WHERE ctid IN (
          SELECT ctid FROM idempotency_records WHERE expires_at < now() LIMIT $1)
      """;

  /**
   * Expired events (received before their retention), by primary key. The repeated condition
   * keeps an event that an arrival renewed meanwhile (an expired key sent again starts anew).
   * $1 batch size.
   */
  static final String DELETE_EXPIRED_EVENTS = """
      DELETE FROM events e USING (
          SELECT project_id, key FROM events WHERE expires_at <= now() ORDER BY expires_at LIMIT $1) x
       WHERE e.project_id = x.project_id AND e.key = x.key AND e.expires_at <= now()
      """;

  /** $1 batch size. Rate-limit windows older than the current minute are spent. */
  static final String DELETE_OLD_RATE_LIMIT_WINDOWS = """
      DELETE FROM rate_limit_windows WHERE ctid IN (
          SELECT ctid FROM rate_limit_windows WHERE window_start < date_trunc('minute', now()) - interval '1 minute' LIMIT $1)
      """;

  /**
   * The (project, type) pairs published at zero when no task of theirs is live: every project with
   * every registered type name, at most $1 pairs (types are global, so the product is capped).
   */
  static final String KNOWN_PROJECT_TYPES = """
      SELECT p.id AS project_id, t.name AS type
        FROM projects p CROSS JOIN (SELECT DISTINCT name FROM task_types) t
       ORDER BY p.id, t.name
       LIMIT $1
      """;

  /**
   * Live tasks by project, type and status, from the counters of changeset 035 (task_counts plus
   * the deltas not yet folded, in one snapshot: exact whatever the fold's lag), with the age in
   * seconds of the oldest claimable task of each pending (project, type): one probe of
   * tasks_oldest_pending_idx each. Its cost follows the number of groups, not the backlog (it
   * was a scan of every live task: 220-330 ms at a large backlog). Untyped tasks have the type ''.
   */
  static final String LIVE_TASK_GAUGES = """
      SELECT l.project_id, l.type, l.status, l.tasks,
             extract(epoch FROM now() - o.run_at)::float8 AS oldest_claimable_seconds
        FROM (SELECT project_id, type, status, sum(tasks)::bigint AS tasks
                FROM (SELECT project_id, type, status, tasks FROM task_counts WHERE status IN ('pending', 'claimed', 'blocked')
                      UNION ALL
                      SELECT project_id, type, status, tasks FROM task_stat_deltas WHERE status IN ('pending', 'claimed', 'blocked')) u
               GROUP BY project_id, type, status
              HAVING sum(tasks) <> 0) l
        LEFT JOIN LATERAL (
             SELECT min(t.run_at) AS run_at FROM tasks t
              WHERE l.status = 'pending' AND t.project_id = l.project_id AND coalesce(t.type, '') = l.type
                AND t.status = 'pending' AND t.run_at <= now()) o ON true
      """;
}
