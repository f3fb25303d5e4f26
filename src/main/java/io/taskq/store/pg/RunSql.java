package io.taskq.store.pg;

/**
 * Every statement of workflow runs and schedules (the cancel of a run's tasks is TaskSql.CANCEL_RUN:
 * it shares the finishing statements' cascade). A run's status and counts are read live from its
 * tasks through tasks_workflow_run_idx, never stored on the completion path; only the leader's
 * finalizer writes a run's final status, once no task of it is live.
 */
final class RunSql {

  private RunSql() {
  }

  /** A run's status from its task counts: one failure fails it, one cancellation (without failure) cancels it. */
  private static final String STATUS = """
      CASE WHEN c.failed > 0 THEN 'failed'
           WHEN c.cancelled > 0 THEN 'cancelled'
           WHEN c.pending + c.claimed + c.blocked > 0 THEN 'running'
           ELSE 'completed' END""";

  /** The counts of one run's tasks by status, its first claim and its last change; {@code r} is the run. */
  private static final String COUNTS = """
      CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE t.status = 'pending') AS pending,
                 count(*) FILTER (WHERE t.status = 'claimed') AS claimed,
                 count(*) FILTER (WHERE t.status = 'blocked') AS blocked,
                 count(*) FILTER (WHERE t.status = 'completed') AS completed,
                 count(*) FILTER (WHERE t.status = 'failed') AS failed,
                 count(*) FILTER (WHERE t.status = 'cancelled') AS cancelled,
                 min(t.claimed_at) AS started_at,
                 max(coalesce(t.completed_at, t.updated_at)) AS last_change
            FROM tasks t WHERE t.workflow_run_id = r.id
      ) c""";

  /**
   * Starts a run unless its id is taken in the project (then no row: the caller answers the
   * stored run). $1 project_id, $2 workflow id, $3 run id, $4 params (JSON text), $5 scheduled_for.
   */
  static final String INSERT_RUN = """
      INSERT INTO workflow_runs (project_id, workflow_id, run_key, params, scheduled_for)
      VALUES ($1, $2, $3, $4::text::jsonb, $5)
      ON CONFLICT (project_id, run_key) DO NOTHING
      RETURNING id
      """;

  /** One run with its workflow and task counts. $1 project_id, $2 run id. */
  static final String FIND_RUN = """
      SELECT r.*, w.name AS workflow, w.version, w.definition, c.*, %s AS status
        FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
        %s
       WHERE r.project_id = $1 AND r.run_key = $2
      """.formatted(STATUS, COUNTS);

  /** The tasks of a run, by id. $1 run (internal id). */
  static final String RUN_TASKS = "SELECT * FROM tasks WHERE workflow_run_id = $1 ORDER BY id";

  /**
   * A keyset page of a project's runs, newest id last, with their counts. Null filters do not
   * filter; the status filter applies to the status read from the tasks. Runs with the planner's
   * defaults, as the task listing does. $1 project_id, $2 workflow name, $3 status, $4 after id, $5 limit.
   */
  static final String LIST_RUNS = """
      SELECT * FROM (
          SELECT r.*, w.name AS workflow, w.version, c.*, %s AS status
            FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
            %s
           WHERE r.project_id = $1 AND r.id > $4 AND ($2::text IS NULL OR w.name = $2)
      ) runs
       WHERE $3::text IS NULL OR status = $3
       ORDER BY id
       LIMIT $5
      """.formatted(STATUS, COUNTS);

  /**
   * Records the end of up to $1 runs none of whose tasks is live any more: when (the last change of
   * a task) and how ({@link #STATUS}). SKIP LOCKED keeps two finalizers (a leader hand-over) from
   * recording one run twice; a run still waiting on a task (blocked behind a failed blocks link)
   * is not finished and is not counted against the limit.
   */
  static final String FINALIZE_RUNS = """
      WITH done AS (
          SELECT r.id FROM workflow_runs r
           WHERE r.finished_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.workflow_run_id = r.id AND t.status IN ('pending', 'claimed', 'blocked'))
           ORDER BY r.id
           LIMIT $1
             FOR UPDATE SKIP LOCKED
      ), outcome AS (
          SELECT r.id, c.last_change, %s AS status
            FROM workflow_runs r
            %s
           WHERE r.id IN (SELECT id FROM done)
      )
      UPDATE workflow_runs r SET finished_at = greatest(o.last_change, r.created_at), final_status = o.status
        FROM outcome o, workflows w
       WHERE r.id = o.id AND w.id = r.workflow_id
      RETURNING r.project_id, w.name AS workflow, r.final_status, r.created_at, r.finished_at
      """.formatted(STATUS, COUNTS);

  /**
   * Runs by final status and the median and 95th percentile of their duration, over the most
   * recent 1,000 finished runs of a workflow (all versions), and how many are unfinished.
   * $1 project_id, $2 workflow name.
   */
  static final String STATS = """
      WITH recent AS (
          SELECT r.final_status, extract(epoch FROM r.finished_at - r.created_at) AS seconds
            FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
           WHERE r.project_id = $1 AND w.name = $2 AND r.finished_at IS NOT NULL
           ORDER BY r.finished_at DESC
           LIMIT 1000
      )
      SELECT (SELECT count(*) FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
               WHERE r.project_id = $1 AND w.name = $2 AND r.finished_at IS NULL) AS running,
             count(*) FILTER (WHERE final_status = 'completed') AS completed,
             count(*) FILTER (WHERE final_status = 'failed') AS failed,
             count(*) FILTER (WHERE final_status = 'cancelled') AS cancelled,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS p50_seconds,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) AS p95_seconds
        FROM recent
      """;

  /**
   * Records the schedule of a workflow's newest version: a registration of an older version
   * changes nothing. $1 project_id, $2 name, $3 version, $4 next due time (null: no schedule).
   */
  static final String UPSERT_SCHEDULE = """
      INSERT INTO workflow_schedules (project_id, name, version, next_due_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (project_id, name) DO UPDATE SET version = excluded.version, next_due_at = excluded.next_due_at
       WHERE workflow_schedules.version < excluded.version
      """;

  /** Schedules due at $1, oldest first, with their workflow; at most $2. */
  static final String DUE_SCHEDULES = """
      SELECT s.next_due_at, w.* FROM workflow_schedules s
        JOIN workflows w ON w.project_id = s.project_id AND w.name = s.name AND w.version = s.version
       WHERE s.next_due_at <= $1
       ORDER BY s.next_due_at
       LIMIT $2
      """;

  /**
   * Moves a schedule on, unless someone already did (or a newer version replaced it).
   * $1 project_id, $2 name, $3 the due time seen, $4 the next one (null: it never fires again).
   */
  static final String ADVANCE_SCHEDULE = """
      UPDATE workflow_schedules SET next_due_at = $4 WHERE project_id = $1 AND name = $2 AND next_due_at = $3
      """;
}
