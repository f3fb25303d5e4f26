package io.taskq.store.pg;

/**
 * Statements of the task counters (changeset 035): the leader's fold of the deltas that the
 * statements writing tasks append (claims and completions themselves, the rest through triggers:
 * changeset 038), and the reads. Every read adds task_counts and the deltas not yet
 * folded in one statement (one snapshot), so it is exact whatever the fold's lag, and costs what
 * the number of (project, type, status, attempts) groups costs plus one second of deltas, never
 * the tasks table. Untyped tasks are the type '' in the counters and null in answers.
 */
final class StatsSql {

  private StatsSql() {
  }

  /**
   * Moves up to $1 deltas into task_counts and task_throughput in one statement, so a delta is
   * counted exactly once: either still in the delta table or in the totals, never both or neither,
   * whatever a reader's snapshot. Two leaders for a moment are safe: a delta deleted by one is
   * skipped by the other. By ctid, so that the batch is a TID scan. Answers how many deltas it folded.
   */
  static final String FOLD = """
      WITH d AS (
          DELETE FROM task_stat_deltas WHERE ctid = ANY (ARRAY(SELECT ctid FROM task_stat_deltas LIMIT $1))
          RETURNING *
      ), counted AS (
          INSERT INTO task_counts AS c (project_id, type, status, attempts, tasks)
          SELECT project_id, type, status, attempts, sum(tasks) FROM d
           GROUP BY project_id, type, status, attempts
          HAVING sum(tasks) <> 0
          ON CONFLICT (project_id, type, status, attempts) DO UPDATE SET tasks = c.tasks + EXCLUDED.tasks
      ), rolled AS (
          INSERT INTO task_throughput AS r (project_id, minute, type, created, claimed, completed, failed)
          SELECT project_id, at_minute, type, sum(created),
                 coalesce(sum(entered) FILTER (WHERE status = 'claimed'), 0),
                 coalesce(sum(entered) FILTER (WHERE status = 'completed'), 0),
                 coalesce(sum(entered) FILTER (WHERE status = 'failed'), 0)
            FROM d
           GROUP BY project_id, at_minute, type
          HAVING sum(created) > 0 OR sum(entered) FILTER (WHERE status IN ('claimed', 'completed', 'failed')) > 0
          ON CONFLICT (project_id, minute, type) DO UPDATE
             SET created = r.created + EXCLUDED.created, claimed = r.claimed + EXCLUDED.claimed,
                 completed = r.completed + EXCLUDED.completed, failed = r.failed + EXCLUDED.failed
      )
      SELECT count(*) AS folded FROM d
      """;

  /**
   * Groups that reached zero (all their tasks moved on or were deleted), and minutes older than a
   * day: both tables stay as small as what is live. A group a concurrent fold has just raised
   * again is kept (the DELETE re-checks tasks = 0 on the row it waited for).
   */
  static final String PURGE_SPENT_COUNTERS = """
      WITH zero AS (
          DELETE FROM task_counts WHERE tasks = 0
      )
      DELETE FROM task_throughput WHERE minute < now() - interval '1 day'
      """;

  /**
   * The fold deletes what the triggers append, so the delta table is mostly dead rows until a
   * vacuum: at 32 workers 43,000 of them (529 pages) within 45 s, which every read scans (1.9 ms
   * instead of 0.09). Autovacuum visits at most once a minute; this runs every few seconds, on a
   * table of a few hundred pages. SKIP_LOCKED: never waits for another vacuum of it.
   */
  static final String VACUUM_DELTAS = "VACUUM (SKIP_LOCKED) task_stat_deltas";

  /** $1 project: its tasks by type, status and attempts (groups with tasks only). */
  static final String COUNTS = """
      SELECT nullif(type, '') AS type, status, attempts, sum(tasks)::bigint AS tasks
        FROM (SELECT type, status, attempts, tasks FROM task_counts WHERE project_id = $1
              UNION ALL
              SELECT type, status, attempts, tasks FROM task_stat_deltas WHERE project_id = $1) u
       GROUP BY type, status, attempts
      HAVING sum(tasks) <> 0
      """;

  /**
   * $1 project: for each type with pending tasks, the age in seconds of its oldest claimable one
   * (null when every pending task of the type is scheduled later): one probe of
   * tasks_oldest_pending_idx per type, whose first entry is the type's earliest run_at.
   */
  static final String OLDEST_CLAIMABLE = """
      SELECT nullif(p.type, '') AS type, extract(epoch FROM now() - o.run_at)::float8 AS oldest_claimable_seconds
        FROM (SELECT type FROM (SELECT type, tasks FROM task_counts WHERE project_id = $1 AND status = 'pending'
                                UNION ALL
                                SELECT type, tasks FROM task_stat_deltas WHERE project_id = $1 AND status = 'pending') u
               GROUP BY type HAVING sum(tasks) > 0) p
        CROSS JOIN LATERAL (
             SELECT min(t.run_at) AS run_at FROM tasks t
              WHERE t.project_id = $1 AND coalesce(t.type, '') = p.type AND t.status = 'pending' AND t.run_at <= now()) o
      """;

  /**
   * $1 project: tasks created, claimed, completed and failed (for good) in each of the last 60
   * minutes, the current one last, zeros included.
   */
  static final String THROUGHPUT = """
      SELECT m.minute, coalesce(sum(x.created), 0)::bigint AS created, coalesce(sum(x.claimed), 0)::bigint AS claimed,
             coalesce(sum(x.completed), 0)::bigint AS completed, coalesce(sum(x.failed), 0)::bigint AS failed
        FROM generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()),
                             interval '1 minute') AS m(minute)
        LEFT JOIN (
             SELECT minute, created, claimed, completed, failed FROM task_throughput
              WHERE project_id = $1 AND minute >= date_trunc('minute', now()) - interval '59 minutes'
             UNION ALL
             SELECT at_minute, created, CASE WHEN status = 'claimed' THEN entered ELSE 0 END,
                    CASE WHEN status = 'completed' THEN entered ELSE 0 END, CASE WHEN status = 'failed' THEN entered ELSE 0 END
               FROM task_stat_deltas
              WHERE project_id = $1 AND at_minute >= date_trunc('minute', now()) - interval '59 minutes') x
          ON x.minute = m.minute
       GROUP BY m.minute
       ORDER BY m.minute
      """;
}
