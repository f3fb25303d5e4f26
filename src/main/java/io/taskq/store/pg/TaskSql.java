package io.taskq.store.pg;

/**
 * Every statement of the tasks aggregate. Each state change writes its audit row in a
 * data-modifying CTE of the same statement: one round trip, and no change without its log.
 * The hot changes (claim, heartbeat, complete, fail) set updated_at themselves, which spares
 * them the trigger's function call (changeset 017); the others leave it to the trigger.
 *
 * <p>Guarded changes (heartbeat, complete, fail, cancel, retry) answer one row: either the
 * changed task ({@code applied = true}) or, when the guard did not hold, the task as the
 * statement found it ({@code applied = false}), so the caller can tell "no such task" from
 * "stale lease" or "already finished" without a second query.
 */
final class TaskSql {

  private TaskSql() {
  }

  /** Statuses in which a task is live: they take part in dedupe-key uniqueness. */
  private static final String LIVE = "('pending', 'claimed', 'blocked')";

  /**
   * Inserts one task unless its external id or live dedupe key is taken; otherwise answers the
   * task that holds it. $1 project_id, $2 type (null: untyped), $3 type_version, $4 title, $5 description,
   * $6 params (JSON text), $7 priority, $8 external_id, $9 milestone_id, $10 dedupe_key,
   * $11 run_at (null: now), $12 max_attempts, $13 lease_seconds, $14 metadata (JSON text of an object, null: none).
   *
   * <p>When the conflicting row was committed by a concurrent request after this statement's
   * snapshot, the fallback SELECT cannot see it and no row comes back; the caller then runs
   * {@link #FIND_BY_IDENTITY}, whose fresh snapshot does.
   */
  static final String INSERT = """
      WITH inserted AS (
          INSERT INTO tasks (project_id, type, type_version, title, description, params, priority,
                             external_id, milestone_id, dedupe_key, run_at, max_attempts, lease_seconds, metadata)
          VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, $10, coalesce($11, now()), $12, $13, $14::text::jsonb)
          ON CONFLICT DO NOTHING
          RETURNING *
      ), logged AS (
          INSERT INTO task_logs (task_id, event) SELECT id, 'created' FROM inserted
      )
      SELECT true AS applied, * FROM inserted
      UNION ALL
      (SELECT false AS applied, t.* FROM tasks t
        WHERE t.project_id = $1 AND NOT EXISTS (SELECT 1 FROM inserted)
          AND (t.external_id = $8 OR (t.dedupe_key = $10 AND t.status IN %s))
        ORDER BY (t.external_id = $8) DESC NULLS LAST
        LIMIT 1)
      """.formatted(LIVE);

  /** The task holding an external id or live dedupe key. $1 project_id, $2 external_id, $3 dedupe_key. */
  static final String FIND_BY_IDENTITY = """
      SELECT false AS applied, * FROM tasks
       WHERE project_id = $1 AND (external_id = $2 OR (dedupe_key = $3 AND status IN %s))
       ORDER BY (external_id = $2) DESC NULLS LAST
       LIMIT 1
      """.formatted(LIVE);

  /**
   * Inserts many tasks from parallel arrays, skipping those whose external id or live dedupe
   * key is taken, and answers each created task with the index of its item. Ids are drawn in
   * the input CTE so that RETURNING rows can be matched to items (RETURNING cannot see the
   * source row). $1 project_id, $2 ord int[], $3 type text[] (null: untyped), $4 type_version text[],
   * $5 title text[], $6 description text[], $7 params text[] (JSON), $8 priority int[],
   * $9 external_id text[], $10 milestone_id text[], $11 dedupe_key text[],
   * $12 run_at text[] (ISO-8601, null: now), $13 max_attempts int[], $14 lease_seconds int[],
   * and for the tasks of a graph (plain creates pass null arrays, which unnest pads with nulls):
   * $15 status text[] (pending, or blocked for a task that waits on something),
   * $16 unmet_prerequisites int[], $17 has_dependents boolean[], $18 event_payloads text[] (JSON),
   * $19 parent_id bigint[], $20 complete_when_children_done boolean[], $21 workflow_run_id bigint[],
   * $22 parent_ord int[] (the parent is the item at this ord, whose id this statement draws: it
   * is looked up in one array of the drawn ids, built only when some item has a parent_ord);
   * $23 metadata text[] (JSON of an object, null: none), for every task.
   * The sequence is named, not looked up: pg_get_serial_sequence is STABLE, so it ran once per
   * row (a catalog search each time), about 3 us of a bulk task's 20 (BulkInsertCostProbe); the
   * name is the one PostgreSQL gives the identity column tasks.id.
   * The first {@code %s} is filled once, at class load, by one of the title guards below; the
   * second by {@link #SKIP_TAKEN_IDENTITIES} or nothing.
   */
  private static final String INSERT_ALL_TEMPLATE = """
      WITH input AS MATERIALIZED (
          SELECT nextval('tasks_id_seq'::regclass) AS id, i.*
            FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
                        $9::text[], $10::text[], $11::text[], $12::text[], $13::int[], $14::int[],
                        $15::text[], $16::int[], $17::boolean[], $18::text[], $19::bigint[], $20::boolean[], $21::bigint[],
                        $22::int[], $23::text[])
                 AS i(ord, type, type_version, title, description, params, priority,
                      external_id, milestone_id, dedupe_key, run_at, max_attempts, lease_seconds,
                      status, unmet_prerequisites, has_dependents, event_payloads, parent_id,
                      complete_when_children_done, workflow_run_id, parent_ord, metadata)
      ), inserted AS (
          INSERT INTO tasks (id, project_id, type, type_version, title, description, params, priority,
                             external_id, milestone_id, dedupe_key, run_at, max_attempts, lease_seconds,
                             status, unmet_prerequisites, has_dependents, event_payloads, parent_id,
                             complete_when_children_done, workflow_run_id, metadata)
          SELECT i.id, $1, i.type, i.type_version, i.title, i.description, i.params::jsonb, i.priority,
                 i.external_id, i.milestone_id, i.dedupe_key, coalesce(i.run_at::timestamptz, now()),
                 i.max_attempts, i.lease_seconds, coalesce(i.status, 'pending'), coalesce(i.unmet_prerequisites, 0),
                 coalesce(i.has_dependents, false), i.event_payloads::jsonb,
                 CASE WHEN i.parent_ord IS NULL THEN i.parent_id
                      ELSE (SELECT array_agg(p.id ORDER BY p.ord) FROM input p)[i.parent_ord + 1] END,
                 coalesce(i.complete_when_children_done, false), i.workflow_run_id, i.metadata::jsonb
            FROM input i
           WHERE %s
           ORDER BY i.ord
          %s
          RETURNING *
      ), logged AS (
          INSERT INTO task_logs (task_id, event) SELECT id, 'created' FROM inserted
      )
      SELECT i.ord, t.* FROM inserted t JOIN input i ON i.id = t.id ORDER BY i.ord
      """;

  /**
   * Skips a task whose external id or live dedupe key is taken. Only those two unique indexes can
   * refuse a task (its id is drawn fresh), so tasks that carry neither go in without it: each row
   * would otherwise pay for a speculative insertion (a probe of every unique index, a lock of its
   * speculative token and a WAL record confirming it), about 1 us of a bulk task's 19 (BulkInsertCostProbe).
   */
  private static final String SKIP_TAKEN_IDENTITIES = "ON CONFLICT DO NOTHING";

  static final String INSERT_ALL = INSERT_ALL_TEMPLATE.formatted("true", SKIP_TAKEN_IDENTITIES);

  /** {@link #INSERT_ALL} for tasks none of which has an external id or a dedupe key: nothing can collide. */
  static final String INSERT_ALL_WITHOUT_IDENTITIES = INSERT_ALL_TEMPLATE.formatted("true", "");

  // "e.title IS NOT NULL" adds nothing to the meaning (a null title equals nothing) but lets the
  // partial index tasks_project_title_idx serve the look-up in a generic plan too, which without it
  // read tasks sequentially (HotPathPlansTest).
  static final String INSERT_ALL_UNLESS_TITLE_EXISTS = INSERT_ALL_TEMPLATE.formatted("""
      (i.title IS NULL OR NOT EXISTS (
                 SELECT 1 FROM tasks e WHERE e.project_id = $1 AND e.title IS NOT NULL AND lower(e.title) = lower(i.title)))""",
      SKIP_TAKEN_IDENTITIES);

  static final String INSERT_ALL_UNLESS_TITLE_AND_MILESTONE_EXIST = INSERT_ALL_TEMPLATE.formatted("""
      (i.title IS NULL OR NOT EXISTS (
                 SELECT 1 FROM tasks e WHERE e.project_id = $1 AND e.title IS NOT NULL AND lower(e.title) = lower(i.title)
                    AND e.milestone_id IS NOT DISTINCT FROM i.milestone_id))""", SKIP_TAKEN_IDENTITIES);

  /**
   * The search for the tasks of a refused bulk ({@link PgTaskStore#findRefusedInsertions}) tries
   * each part under this savepoint and rolls back to it, in a transaction rolled back too.
   */
  static final String PROBE_SAVEPOINT = "SAVEPOINT refused_search";

  static final String PROBE_ROLLBACK = "ROLLBACK TO SAVEPOINT refused_search";

  /**
   * Serialises title-checked bulk inserts of one project: titles have no unique index (they
   * are not unique in general), so two concurrent requests could both find a title absent.
   * $1 project_id.
   */
  static final String LOCK_PROJECT_TITLES = "SELECT pg_advisory_xact_lock(hashtextextended('taskq.titles.' || $1::bigint, 0))";

  /**
   * Tasks a skipped bulk item may have collided with. $1 project_id, $2 external ids text[],
   * $3 dedupe keys text[], $4 lower-cased titles text[] (empty unless a title strategy applies).
   */
  static final String FIND_COLLISIONS = """
      SELECT * FROM tasks
       WHERE project_id = $1
         AND (external_id = ANY ($2::text[])
              OR (dedupe_key = ANY ($3::text[]) AND status IN %s)
              OR (title IS NOT NULL AND lower(title) = ANY ($4::text[])))
       ORDER BY id
      """.formatted(LIVE);

  /** $1 project_id, $2 task id. */
  static final String FIND = "SELECT * FROM tasks WHERE project_id = $1 AND id = $2";

  /**
   * The optional filters of a task listing, shared by {@link #LIST} and {@link #SEARCH} (which
   * number their parameters alike): each is true when its parameter is null. A run is named by
   * its run_id (workflow_runs.run_key) within the project; created_after and created_before are
   * both exclusive. $1 project_id, $3 status, $4 type, $5 external_id, $6 worker_id,
   * $8 parent_id, $9 run_id, $10 created_after, $11 created_before, $12 priority_min.
   */
  private static final String LISTING_FILTERS = """
         AND ($3::text IS NULL OR t.status = $3)
         AND ($4::text IS NULL OR t.type = $4)
         AND ($5::text IS NULL OR t.external_id = $5)
         AND ($6::text IS NULL OR t.worker_id = $6)
         AND ($8::bigint IS NULL OR t.parent_id = $8)
         AND ($9::text IS NULL OR t.workflow_run_id = (
                 SELECT r.id FROM workflow_runs r WHERE r.project_id = $1 AND r.run_key = $9))
         AND ($10::timestamptz IS NULL OR t.created_at > $10)
         AND ($11::timestamptz IS NULL OR t.created_at < $11)
         AND ($12::int IS NULL OR t.priority >= $12)
      """;

  /**
   * Keyset page of a project's tasks. Null filters do not filter. "project_id + 0" matches the
   * listing index, tasks_listing_idx, and nothing else (see changeset 015: a plain project_id
   * index lured claims away from the claimable index). Runs with the planner's defaults
   * ({@link io.taskq.db.PlannerSettings#withDefaultPlanning}): a custom plan folds away the
   * filters not given, and may read a large project sequentially; given a parent, it reads the
   * children by id through tasks_parent_idx, given a run, the run's tasks through
   * tasks_workflow_run_idx. $1 project_id, $2 after id, $7 limit, the filters as in
   * {@link #LISTING_FILTERS}.
   */
  static final String LIST = """
      SELECT t.* FROM tasks t
       WHERE t.project_id + 0 = $1 AND t.id > $2
      %s
       ORDER BY t.id
       LIMIT $7
      """.formatted(LISTING_FILTERS);

  /**
   * True when no filter of {@link #LISTING_FILTERS} is given: every parameter there must be
   * here too, or a search with that filter would rank only the best matches before filtering.
   */
  private static final String NO_LISTING_FILTER = """
      ($3::text, $4::text, $5::text, $6::text, $8::bigint, $9::text, $10::timestamptz, $11::timestamptz, $12::int) IS NULL""";

  /**
   * A page of a project's tasks matching a full-text query ({@code websearch_to_tsquery}
   * syntax, the 'english' configuration of changeset 031), best rank first, then by id. The
   * GIN index finds the matching documents and each is ranked: ts_rank reads every match's
   * document, so the cost grows with the number of matches, not with the page. The keyset is the
   * last row's (rank, id): ranks are recomputed identically on every page, so comparing them as
   * real is exact. A query of stop words or punctuation only matches nothing.
   *
   * <p>The inner query ranks in task_search alone and carries only (task_id, rank) (OFFSET-free
   * but LIMITed, so it is not merged into the outer query): without a filter on tasks its LIMIT
   * is the page's, a top-N sort of small rows, and only the page's rows are joined to tasks; with
   * one, its LIMIT is null (none), and the outer query filters the ranked matches. Runs with a
   * custom plan ({@link io.taskq.db.PlannerSettings#withCustomPlanQuietly}), so that the query and
   * that LIMIT fold into constants. $1 project_id, $2 query text, $7 limit, $13 after rank (null
   * on the first page), $14 after id (the cursor's), $15 a lower bound of ids (the listing's
   * {@code after}, a filter here), the filters as in {@link #LISTING_FILTERS}.
   */
  static final String SEARCH = search(NO_LISTING_FILTER);

  private static String search(String noListingFilter) {
    return """
      SELECT t.*, m.search_rank
        FROM (SELECT s.task_id, ts_rank(s.document, websearch_to_tsquery('english', $2::text)) AS search_rank
                FROM task_search s
               WHERE s.project_id = $1 AND s.document @@ websearch_to_tsquery('english', $2::text) AND s.task_id > $15::bigint
                 AND ($13::real IS NULL OR ts_rank(s.document, websearch_to_tsquery('english', $2::text)) < $13
                      OR (ts_rank(s.document, websearch_to_tsquery('english', $2::text)) = $13 AND s.task_id > $14::bigint))
               ORDER BY search_rank DESC, s.task_id
               LIMIT CASE WHEN %s THEN $7::bigint END) m
        JOIN tasks t ON t.id = m.task_id
       WHERE true
      %s
       ORDER BY m.search_rank DESC, t.id
       LIMIT $7
      """.formatted(noListingFilter, LISTING_FILTERS);
  }

  /**
   * The containment filter on metadata, as a fragment of {@link #LIST_BY_METADATA} and
   * {@link #SEARCH_BY_METADATA}. "metadata IS NOT NULL" restates what the strict @> implies, so
   * that the partial index tasks_metadata_idx (WHERE metadata IS NOT NULL) visibly applies.
   * {@code $n} metadata (JSON text of a non-empty object): the first parameter past the statement's own.
   */
  private static String metadataContains(int n) {
    return "t.metadata IS NOT NULL AND t.metadata @> $%d::text::jsonb".formatted(n);
  }

  /**
   * {@link #LIST} with the metadata containment filter. A statement of its own, not one more
   * null-able filter of LIST: one plan cannot both serve the listing without it and read the GIN
   * index with it. Runs with the planner's defaults as LIST does, so the plan fits the value: a
   * selective one reads tasks_metadata_idx (bitmap) and sorts what it finds; a common one walks
   * tasks_listing_idx in id order and stops at the page (figures in benchmarks.md).
   */
  static final String LIST_BY_METADATA = andBeforeOrderBy(LIST, metadataContains(13));

  /**
   * {@link #SEARCH} with the metadata containment filter, $16. The metadata is a filter on tasks,
   * so the inner ranking is never cut to the page ("false" in place of the no-filter test).
   */
  static final String SEARCH_BY_METADATA = andBeforeOrderBy(search("false"), metadataContains(16));

  /** {@code sql} with one more condition ANDed to its WHERE, on the line before its ORDER BY (which it must have). */
  private static String andBeforeOrderBy(String sql, String condition) {
    int at = sql.lastIndexOf("\n ORDER BY ");
    if (at < 0) {
      throw new IllegalStateException("no ORDER BY line to put a condition before");
    }
    return sql.substring(0, at) + "\n   AND " + condition + sql.substring(at);
  }

  /**
   * A task's log, oldest first; one row with a null log id when the task has no entry past
   * {@code after}, none when the task does not exist. $1 project_id, $2 task id, $3 after log id, $4 limit.
   */
  static final String LOGS = """
      SELECT t.id AS task_id, l.id, l.event, l.worker_id, l.message, l.metadata, l.created_at
        FROM tasks t
        LEFT JOIN LATERAL (
            SELECT * FROM task_logs WHERE task_id = t.id AND id > $3 ORDER BY id LIMIT $4
        ) l ON true
       WHERE t.project_id = $1 AND t.id = $2
       ORDER BY l.id
      """;

  /**
   * A task's attempts, oldest first, derived from its log in one pass over the task's own rows
   * (the primary key (task_id, id)): each 'claimed' entry is paired by lead() with the next entry
   * that starts or ends an attempt. A claim followed by another claim lost its end (no event
   * recorded it): it counts as expired. One row with a null attempt when the task has no attempt
   * past {@code after}, none when the task does not exist.
   * $1 project_id, $2 task id, $3 after attempt number, $4 limit.
   */
  static final String ATTEMPTS = """
      WITH task AS (
          SELECT id FROM tasks WHERE project_id = $1 AND id = $2
      ), paired AS (
          SELECT l.id, l.event, l.worker_id, l.metadata, l.created_at,
                 lead(l.event) OVER w AS end_event, lead(l.message) OVER w AS end_message,
                 lead(l.created_at) OVER w AS end_at
            FROM task_logs l
           WHERE l.task_id = (SELECT id FROM task)
             AND l.event IN ('claimed', 'completed', 'failed', 'lease_expired', 'cancelled')
          WINDOW w AS (ORDER BY l.id)
      ), attempts AS (
          SELECT row_number() OVER (ORDER BY id) AS attempt, worker_id, (metadata ->> 'lease_id')::uuid AS lease_id,
                 created_at AS claimed_at, end_at AS finished_at,
                 CASE end_event WHEN 'completed' THEN 'completed' WHEN 'failed' THEN 'failed'
                                WHEN 'cancelled' THEN 'cancelled' WHEN 'lease_expired' THEN 'expired'
                                WHEN 'claimed' THEN 'expired' ELSE 'running' END AS outcome,
                 CASE WHEN end_event = 'failed' THEN end_message END AS error
            FROM paired
           WHERE event = 'claimed'
      )
      SELECT t.id AS task_id, a.attempt, a.worker_id, a.lease_id, a.claimed_at, a.finished_at,
             (extract(epoch FROM a.finished_at - a.claimed_at) * 1000)::bigint AS duration_ms, a.outcome, a.error
        FROM task t
        LEFT JOIN LATERAL (SELECT * FROM attempts WHERE attempt > $3 ORDER BY attempt LIMIT $4) a ON true
       ORDER BY a.attempt
      """;

  /**
   * A project's log entries across its tasks, newest first, keyset-paged on (created_at, id).
   * Run with the planner's defaults, so that absent filters (null) fold away and since/until
   * become bounds of task_logs_created_idx, read backwards; a task_id filter reads the task's
   * rows through the primary key instead. Each entry is joined to its task for the project.
   * $1 project_id, $2 event, $3 worker_id, $4 task_id, $5 since (inclusive), $6 until (exclusive),
   * $7 $8 the cursor (created_at, id) of the previous page's last entry, $9 limit.
   */
  static final String PROJECT_LOGS = """
      SELECT l.id, l.task_id, l.event, l.worker_id, l.message, l.metadata, l.created_at
        FROM task_logs l
        JOIN tasks t ON t.id = l.task_id
       WHERE t.project_id = $1
         AND ($2::text IS NULL OR l.event = $2)
         AND ($3::text IS NULL OR l.worker_id = $3)
         AND ($4::bigint IS NULL OR l.task_id = $4)
         AND ($5::timestamptz IS NULL OR l.created_at >= $5)
         AND ($6::timestamptz IS NULL OR l.created_at < $6)
         AND ($7::timestamptz IS NULL OR (l.created_at, l.id) < ($7, $8::bigint))
       ORDER BY l.created_at DESC, l.id DESC
       LIMIT $9
      """;

  /**
   * The mark of a statement that appends its own rows to the counters' delta tables
   * (task_stat_deltas, worker_deltas): the update triggers (changeset 038) skip a
   * statement whose transaction's taskq.counted is its own statement_timestamp(), and count any
   * later statement of the same transaction again. Set in the WHERE of the statement's UPDATE of
   * tasks, so a statement that may change no row sets it only when it reads one; set for a row
   * that another condition then refuses, it only hands the counting of an empty change to the
   * statement's own CTEs, which count nothing either.
   */
  private static final String COUNTS_ITSELF = "set_config('taskq.counted', statement_timestamp()::text, true) IS NOT NULL";

  /**
   * Claims tasks for one or more waiting claim requests at once. Each request contributes one
   * slot per task it asks for ($3 and $4 are parallel arrays, one entry per slot, requests in
   * arrival order); claimable tasks are numbered in claim order and slot n gets the n-th task.
   * One statement serves many requests, so many claimers cost one index scan instead of one each.
   * The n-th task meets its slot by position, unnest zipping the slot arrays with the claimed ids,
   * not by a join on the slot number: a generic plan expects 10 slots and joined thousands of
   * them by nested loop, one comparison per pair.
   *
   * <p>The candidates are a MATERIALIZED CTE, not a subquery in the UPDATE: the fence makes the
   * planner lock exactly the rows LIMIT lets through, and SKIP LOCKED lets concurrent claimers
   * pass each other's rows instead of queueing on them. Paused queues, and types at their
   * max_concurrency, are passed over in the scan itself.
   *
   * <p>max_concurrency without a global lock: each limited type's counter row is incremented
   * by the number of its tasks this statement takes, only if that fits (the UPDATE re-reads the
   * row's latest version, so concurrent claims on other instances cannot both take the last
   * room); a type whose increment does not fit gets nothing this time. Types without a limit
   * touch no counter.
   *
   * <p>The claim appends its own rows to the counters' delta tables (counted, seen) and marks
   * its statement (taskq.counted, changeset 038) so that the update triggers skip it: every row
   * it updates went from pending at attempts - 1 to claimed at attempts under its slot's worker,
   * so it needs none of the pairing of old and new rows that made the triggers' queries cost
   * more than these inserts (benchmarks.md, "Counters on the hot path").
   *
   * $1 project_id, $2 types text[] (empty: any), $3 worker_id per slot text[],
   * $4 lease seconds per slot int[] (null: the task's own).
   */
  // "(run_at <= now()) IS TRUE" means run_at <= now() (run_at is never null) in a form no index
  // can take as a condition. As a plain comparison it let the generic plan walk
  // tasks_oldest_pending_idx (project_id, type, run_at) by PostgreSQL 18's skip scan and sort
  // every due task of the project to take the first few: 600 ms a claim at 161,000 pending, 125
  // claims a second instead of 3,400, depending on the statistics the plan was made from. Without
  // it, both indexes offer only project_id, and walking tasks_claimable_idx in claim order, which
  // stops at the LIMIT, is always the cheaper (HotPathPlansTest).
  static final String CLAIM = """
      WITH candidates AS MATERIALIZED (
          SELECT id, priority, run_at, type FROM tasks t
           WHERE project_id = $1 AND status = 'pending' AND (run_at <= now()) IS TRUE
             AND (cardinality($2::text[]) = 0 OR type = ANY ($2::text[]))
             AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.project_id = $1 AND p.type IN ('*', t.type))
             AND NOT EXISTS (SELECT 1 FROM task_type_limits l WHERE l.type = t.type AND l.claimed >= l.max_concurrency)
           ORDER BY priority DESC, run_at, id
           LIMIT cardinality($3::text[])
             FOR UPDATE SKIP LOCKED
      ), limited AS (
          SELECT c.*, l.max_concurrency - l.claimed AS room,
                 row_number() OVER (PARTITION BY c.type ORDER BY c.priority DESC, c.run_at, c.id) AS nth_of_type
            FROM candidates c LEFT JOIN task_type_limits l ON l.type = c.type
      ), granted AS (
          UPDATE task_type_limits l SET claimed = l.claimed + w.n
            FROM (SELECT type, count(*) AS n FROM limited WHERE room IS NOT NULL AND nth_of_type <= room GROUP BY type) w
           WHERE l.type = w.type AND l.claimed + w.n <= l.max_concurrency
          RETURNING l.type
      ), numbered AS (
          SELECT id, row_number() OVER (ORDER BY priority DESC, run_at, id) AS slot FROM limited
           WHERE room IS NULL OR (nth_of_type <= room AND type IN (SELECT type FROM granted))
      ), claimed AS (
          UPDATE tasks t
             SET status = 'claimed', worker_id = s.worker_id, lease_id = gen_random_uuid(), claimed_at = now(),
                 lease_expires_at = now() + make_interval(secs => coalesce(s.lease_seconds, t.lease_seconds)),
                 attempts = t.attempts + 1, updated_at = now()
            FROM unnest($3::text[], $4::int[], (SELECT array_agg(id ORDER BY slot) FROM numbered))
                 WITH ORDINALITY AS s(worker_id, lease_seconds, id, slot)
           WHERE t.id = s.id
             AND %s
          RETURNING t.*, s.slot
      ), logged AS (
          INSERT INTO task_logs (task_id, event, worker_id, metadata)
          SELECT id, 'claimed', worker_id,
                 jsonb_build_object('lease_id', lease_id, 'attempt', attempts, 'lease_expires_at', lease_expires_at)
            FROM claimed
      ), counted AS (
          INSERT INTO task_stat_deltas (project_id, type, status, attempts, at_minute, tasks, created, entered)
          SELECT project_id, type, status, attempts, date_trunc('minute', now()), sum(tasks), 0, sum(entered)
            FROM (SELECT project_id, coalesce(type, '') AS type, 'claimed' AS status, attempts, 1 AS tasks, 1 AS entered FROM claimed
                  UNION ALL
                  SELECT project_id, coalesce(type, ''), 'pending', attempts - 1, -1, 0 FROM claimed) x
           GROUP BY project_id, type, status, attempts
      ), seen AS (
          INSERT INTO worker_deltas (project_id, worker_id, seen_at, claimed)
          SELECT project_id, worker_id, now(), count(*) FROM claimed WHERE worker_id IS NOT NULL GROUP BY project_id, worker_id
      )
      SELECT * FROM claimed ORDER BY slot
      """.formatted(COUNTS_ITSELF);

  /**
   * Gives back max_concurrency room for tasks that stop being claimed; {@code %s} names a CTE of
   * such task rows (with a {@code type} column). Types without a limit match no row.
   */
  private static final String RELEASE_ROOM = """
      released AS (
          UPDATE task_type_limits l SET claimed = greatest(0, l.claimed - r.n)
            FROM (SELECT type, count(*) AS n FROM %s GROUP BY type) r
           WHERE l.type = r.type
      )""";

  /**
   * The guard of every statement that finishes a task (complete, fail, cancel, sweep): a task with
   * dependents is changed only in the version this statement's snapshot saw. A transaction that
   * adds or removes a link first updates the prerequisite's row ({@link DependencySql#MARK_PREREQUISITES});
   * a finishing statement that waited for it finds a newer version, leaves the row alone and
   * answers it not applied, and the caller repeats with a fresh snapshot, which sees the link.
   * Without the guard its snapshot would miss the new link, and the dependent would wait for ever
   * (or be decremented twice, after an unlink). A task without dependents never runs the sub-select.
   */
  private static final String DEPENDENTS_SEEN = "(NOT t.has_dependents OR t.xmin = (SELECT s.xmin FROM tasks s WHERE s.id = t.id))";

  /**
   * Whether the task {@code t} completes with its children and has some: one that has none yet
   * waits for its first, blocked at 0, whatever else it waited on.
   */
  private static final String COMPLETES_NOW = """
      (t.complete_when_children_done AND EXISTS (SELECT 1 FROM task_dependencies k WHERE k.task_id = t.id AND k.link_type = 'child'))""";

  /**
   * Releases the dependents of just-completed tasks; {@code %1$s} names a CTE of those task rows.
   * Grouped by dependent: two prerequisites of one dependent completed in one batch decrement it
   * once by two ({@code UPDATE ... FROM} with two matching rows would apply only one). Dependents
   * are locked in id order, so batches that share dependents cannot deadlock; a batch that waits
   * for another re-reads the newest count (READ COMMITTED), so decrements add up and exactly one
   * batch sees the count reach zero. The link index is read only for completed tasks whose
   * has_dependents is set: a completion without dependents costs no index probe, and a
   * completion reads only its own links, never its dependents' other links, so the 10,000th
   * completion of a fan-in costs what the first did.
   *
   * <p>Every link type but suggests counts, 'child' too: a parent that completes with its
   * children is their dependent, and when nothing holds it any more it becomes completed (log
   * entry 'completed') instead of pending, in this statement ({@link #COMPLETES_NOW}: one with
   * no child yet stays blocked, waiting for its first). Its own dependents cannot be
   * released here (a data-modifying CTE cannot read what another one wrote), so the caller runs
   * {@link #RELEASE_AFTER_PARENTS} for the parents this statement completed.
   */
  private static final String RELEASE_DEPENDENTS = """
      satisfied AS (
          SELECT d.task_id, count(*)::int AS n, max(c.id) AS by_prerequisite
            FROM %1$s c JOIN task_dependencies d ON d.prerequisite_id = c.id
           WHERE c.has_dependents AND d.link_type <> 'suggests'
           GROUP BY d.task_id
      ), dependents AS MATERIALIZED ( -- status: the locked version's, the one the UPDATE below changes
          SELECT t.id, t.status FROM tasks t WHERE t.id IN (SELECT task_id FROM satisfied) ORDER BY t.id FOR NO KEY UPDATE
      ), unblocked AS (
          UPDATE tasks t
             SET unmet_prerequisites = t.unmet_prerequisites - s.n,
                 status = CASE WHEN t.status <> 'blocked' OR t.unmet_prerequisites <> s.n THEN t.status
                               WHEN {completes_now} THEN 'completed'
                               WHEN t.complete_when_children_done THEN t.status ELSE 'pending' END,
                 run_at = CASE WHEN t.status = 'blocked' AND t.unmet_prerequisites = s.n THEN greatest(t.run_at, now())
                               ELSE t.run_at END, -- the queue wait counts from the release
                 completed_at = CASE WHEN t.status = 'blocked' AND t.unmet_prerequisites = s.n AND {completes_now}
                                     THEN now() ELSE t.completed_at END,
                 updated_at = now()
            FROM satisfied s
           WHERE t.id = s.task_id AND t.id IN (SELECT id FROM dependents)
          RETURNING t.id, t.status, t.unmet_prerequisites, s.by_prerequisite, t.project_id, t.type, t.attempts
      ), release_logged AS (
          INSERT INTO task_logs (task_id, event, metadata)
          SELECT id, CASE status WHEN 'completed' THEN 'completed' ELSE 'released' END,
                 jsonb_build_object('last_prerequisite_id', by_prerequisite)
            FROM unblocked WHERE status IN ('pending', 'completed') AND unmet_prerequisites = 0
      )""".replace("{completes_now}", COMPLETES_NOW);

  /**
   * Cancels, transitively, the blocked dependents that {@code requires} links tie to tasks that
   * just failed for good or were cancelled: {@code %1$s} names a CTE of task rows, {@code %2$s}
   * the condition on them (f.*) for ending unsuccessfully, {@code %3$s} the cause logged. The
   * statement must begin WITH RECURSIVE. {@code blocks} dependents keep waiting (for a retry of
   * the prerequisite or the removal of the link) and {@code suggests} is never walked. UNION
   * walks a diamond once; links cannot form a cycle (a task only ever gains prerequisites that
   * existed before it, or items of its own graph, checked acyclic). Cancelled dependents keep
   * their count, so one retried later is blocked again until its prerequisites complete.
   *
   * <p>'child' links are walked too: a parent that completes with its children fails for good
   * (status 'failed', a 'failed' log entry naming the child, cause child_failed or
   * child_cancelled as the root ended) when a child fails for good or is cancelled, and the walk
   * goes on from it (its requires dependents are cancelled, its own parent fails). A task reached
   * both ways fails.
   */
  private static final String CASCADE_FROM = """
      walk (id, via, root, by_child) AS (
          SELECT d.task_id, f.id, f.id, d.link_type = 'child' FROM %1$s f JOIN task_dependencies d ON d.prerequisite_id = f.id
           WHERE f.has_dependents AND %2$s AND d.link_type IN ('requires', 'child')
          UNION
          SELECT d.task_id, w.id, w.root, d.link_type = 'child' FROM walk w JOIN task_dependencies d ON d.prerequisite_id = w.id
           WHERE d.link_type IN ('requires', 'child')
      ), doomed AS MATERIALIZED (
          SELECT t.id FROM tasks t WHERE t.id IN (SELECT id FROM walk) AND t.status = 'blocked' ORDER BY t.id FOR NO KEY UPDATE
      ), cascaded AS (
          UPDATE tasks t SET status = CASE WHEN w.by_child THEN 'failed' ELSE 'cancelled' END,
                             error_message = CASE WHEN w.by_child THEN 'child task ' || w.via || ' did not complete'
                                                  ELSE t.error_message END,
                             updated_at = now()
            FROM (SELECT id, bool_or(by_child) AS by_child, coalesce(min(via) FILTER (WHERE by_child), min(via)) AS via,
                         min(root) AS root
                    FROM walk GROUP BY id) w
           WHERE t.id = w.id AND t.id IN (SELECT id FROM doomed) AND t.status = 'blocked'
          RETURNING t.id, w.via, w.root, w.by_child
      ), cascade_logged AS (
          INSERT INTO task_logs (task_id, event, message, metadata)
          SELECT id, 'cancelled', 'a prerequisite it requires did not complete',
                 jsonb_build_object('cause', '%3$s', 'prerequisite_id', via, 'root_task_id', root)
            FROM cascaded WHERE NOT by_child
          UNION ALL
          SELECT id, 'failed', 'a child did not complete',
                 jsonb_build_object('cause', replace('%3$s', 'prerequisite_', 'child_'), 'child_id', via, 'root_task_id', root)
            FROM cascaded WHERE by_child
      )""";

  /**
   * The guard every lease-holder action shares: the lease is the task's current, unexpired
   * one. A lease expiry is set only while a task is claimed (CHECK tasks_lease_only_while_claimed),
   * so "lease_expires_at > now()" says "claimed" too. It is written without "status = 'claimed'"
   * on purpose: that predicate made the planner read the partial indexes over claimed tasks,
   * scanning every live lease to update one task, instead of looking the task up by id.
   */
  private static final String LEASE_HELD = "id = $2 AND project_id = $1 AND lease_id = $3 AND lease_expires_at > now()";

  /** The task as found, when a guarded change did not apply. $1 project_id, $2 task id. */
  private static final String AS_FOUND_UNLESS = """
      SELECT true AS applied, * FROM changed
      UNION ALL
      SELECT false AS applied, * FROM tasks WHERE project_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM changed)
      """;

  /** $1 project_id, $2 task id, $3 lease_id, $4 lease seconds (null: the task's own). */
  static final String HEARTBEAT = """
      WITH changed AS (
          UPDATE tasks SET lease_expires_at = now() + make_interval(secs => coalesce($4::int, lease_seconds)),
                           updated_at = now()
           WHERE %s
          RETURNING *
      ), logged AS (
          INSERT INTO task_logs (task_id, event, worker_id, metadata)
          SELECT id, 'heartbeat', worker_id, jsonb_build_object('lease_expires_at', lease_expires_at) FROM changed
      )
      %s""".formatted(LEASE_HELD, AS_FOUND_UNLESS);

  /**
   * The input rows of a batch of lease-holder changes, and the answer shape they share: for
   * each item (by its 1-based position {@code ord}), the changed task ({@code applied = true})
   * or the task as the statement found it ({@code applied = false}); an item whose task does
   * not exist in its project has no row. Ids must be distinct within a batch.
   */
  private static final String BATCH_ANSWER = """
      SELECT i.ord, true AS applied, c.* FROM input i JOIN changed c ON c.id = i.id
      UNION ALL
      SELECT i.ord, false AS applied, f.* FROM input i JOIN tasks f ON f.id = i.id AND f.project_id = i.project_id
       WHERE NOT EXISTS (SELECT 1 FROM changed c WHERE c.id = i.id)
      ORDER BY ord
      """;

  /**
   * {@link #BATCH_ANSWER} with one more column: {@code %1$s} names it, {@code %2$s} is a query of
   * (task id, count) rows giving each changed task's count (of dependents it released, or cancelled).
   */
  private static final String BATCH_ANSWER_COUNTING = """
      SELECT i.ord, true AS applied, c.*, coalesce(k.n, 0) AS %1$s
        FROM input i JOIN changed c ON c.id = i.id LEFT JOIN (%2$s) k ON k.id = c.id
      UNION ALL
      SELECT i.ord, false AS applied, f.*, 0 AS %1$s FROM input i JOIN tasks f ON f.id = i.id AND f.project_id = i.project_id
       WHERE NOT EXISTS (SELECT 1 FROM changed c WHERE c.id = i.id)
      ORDER BY ord
      """;

  /**
   * {@link #BATCH_ANSWER_COUNTING} for completions: each completed task's count of dependents it
   * released ({@code released}) and the ids of the parents its completion completed
   * ({@code completed_parents}, null: none), each attributed to one completed task
   * ({@code by_prerequisite}) so that a parent is followed up once ({@link #RELEASE_AFTER_PARENTS}).
   */
  private static final String COMPLETION_ANSWER = """
      SELECT i.ord, true AS applied, c.*, coalesce(k.released, 0) AS released, k.completed_parents
        FROM input i JOIN changed c ON c.id = i.id
        LEFT JOIN (SELECT by_prerequisite AS id, count(*) FILTER (WHERE status = 'pending') AS released,
                          array_agg(id) FILTER (WHERE status = 'completed') AS completed_parents
                     FROM unblocked WHERE unmet_prerequisites = 0 AND status IN ('pending', 'completed')
                    GROUP BY by_prerequisite) k ON k.id = c.id
      UNION ALL
      SELECT i.ord, false AS applied, f.*, 0 AS released, NULL::bigint[] AS completed_parents
        FROM input i JOIN tasks f ON f.id = i.id AND f.project_id = i.project_id
       WHERE NOT EXISTS (SELECT 1 FROM changed c WHERE c.id = i.id)
      ORDER BY ord
      """;

  /*
   * LOCK_ORDER: every statement that waits for the locks of several tasks takes them in id order
   * (the worker release and the heartbeat lock theirs with ORDER BY id ... FOR UPDATE; the batch
   * complete and fail update theirs joining the input sorted by id, the nested loop taking it in
   * that order; the sweep and the claim skip locked rows), so two of them waiting for each other's
   * rows cannot deadlock. A batch joined in arrival order
   * deadlocked with a worker's release once coalesced completions grew to tens of tasks.
   */

  /**
   * The counter rows of the completing statements, in place of the update triggers' pairing of old
   * and new rows (benchmarks.md, "Counters on the hot path"): each completed row went from
   * claimed to completed at the same attempts, under a live lease of its worker (the lease
   * guard), so the worker is seen, and credited with a completion and its processing time.
   * {@code %s}: more rows to count, each starting with UNION ALL ({@link #RELEASED_COUNTED}), or none.
   */
  private static final String COMPLETION_COUNTED = """
      counted AS (
          INSERT INTO task_stat_deltas (project_id, type, status, attempts, at_minute, tasks, created, entered)
          SELECT project_id, type, status, attempts, date_trunc('minute', now()), sum(tasks), 0, sum(entered)
            FROM (SELECT project_id, coalesce(type, '') AS type, 'completed' AS status, attempts, 1 AS tasks, 1 AS entered
                    FROM changed
                  UNION ALL
                  SELECT project_id, coalesce(type, ''), 'claimed', attempts, -1, 0 FROM changed%s) x
           GROUP BY project_id, type, status, attempts
      ), seen AS (
          INSERT INTO worker_deltas (project_id, worker_id, seen_at, completed, processing_us)
          SELECT project_id, worker_id, now(), count(*), sum((extract(epoch FROM completed_at - claimed_at) * 1000000)::bigint)
            FROM changed WHERE worker_id IS NOT NULL GROUP BY project_id, worker_id
      )""";

  /**
   * The counter rows of the dependents {@link #RELEASE_DEPENDENTS} released: each ({@code unblocked}
   * with a status other than the one it was locked in) left that status for its new one, at the
   * same attempts, under no worker.
   */
  private static final String RELEASED_COUNTED = """

                  UNION ALL
                  SELECT u.project_id, coalesce(u.type, ''), u.status, u.attempts, 1, 1
                    FROM unblocked u JOIN dependents d ON d.id = u.id WHERE u.status <> d.status
                  UNION ALL
                  SELECT u.project_id, coalesce(u.type, ''), d.status, u.attempts, -1, 0
                    FROM unblocked u JOIN dependents d ON d.id = u.id WHERE u.status <> d.status""";

  /**
   * The completion of a batch of tasks, each under its own lease, up to its log rows; the first
   * {@code %s} is a guard on the task row besides the lease's, the second {@link #COUNTS_ITSELF}.
   * $1 project_id bigint[], $2 task id bigint[], $3 lease_id uuid[], $4 result text[] (JSON, null: none).
   */
  private static final String COMPLETING = """
      WITH input AS (
          SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[])
                   WITH ORDINALITY AS i(project_id, id, lease_id, result, ord)
      ), changed AS (
          UPDATE tasks t
             SET status = 'completed', result = i.result::jsonb, completed_at = now(), lease_expires_at = NULL,
                 updated_at = now()
            FROM (SELECT * FROM input ORDER BY id) i -- rows locked in id order: see LOCK_ORDER
           WHERE t.id = i.id AND t.project_id = i.project_id AND t.lease_id = i.lease_id
             AND t.lease_expires_at > now() -- the lease is held: see LEASE_HELD
             AND %s
             AND %s
          RETURNING t.*
      ), logged AS (
          INSERT INTO task_logs (task_id, event, worker_id) SELECT id, 'completed', worker_id FROM changed
      )""";

  /**
   * Completes a batch of tasks, each under its own lease, in one statement (the group commit of
   * concurrent completes as well as the batch endpoint), and releases their dependents.
   * Parameters as {@link #COMPLETING}.
   */
  static final String COMPLETE_ALL = """
      %s, %s, %s, %s
      %s""".formatted(COMPLETING.formatted(DEPENDENTS_SEEN, COUNTS_ITSELF), RELEASE_ROOM.formatted("changed"),
      RELEASE_DEPENDENTS.formatted("changed"), COMPLETION_COUNTED.formatted(RELEASED_COUNTED), COMPLETION_ANSWER);

  /**
   * {@link #COMPLETE_ALL} for tasks without dependents, and only for them: a task whose row says
   * it has dependents is answered not applied, as found, and must go through COMPLETE_ALL. Most
   * completions release nothing, and a statement costs PostgreSQL much of its CPU before it
   * reads a row, in proportion to its plan (benchmarks.md, "What a statement costs PostgreSQL
   * whatever its size"): this one has none of the release's nodes. No link can appear under it
   * unseen: a link sets has_dependents in the prerequisite's row first ({@link DependencySql#MARK_PREREQUISITES}),
   * and the UPDATE re-checks the guard on the newest version of a row it waited for.
   * Parameters as {@link #COMPLETING}.
   */
  static final String COMPLETE_ALL_WITHOUT_DEPENDENTS = """
      %s, %s, %s
      %s""".formatted(COMPLETING.formatted("NOT t.has_dependents", COUNTS_ITSELF), RELEASE_ROOM.formatted("changed"),
      COMPLETION_COUNTED.formatted(""), BATCH_ANSWER);

  /**
   * Releases the dependents of parents that completed with their last child
   * ({@link #RELEASE_DEPENDENTS}): the statement after the one that completed them, as that one
   * could not. It may complete further parents (a parent's own parent, or a dependent that is a
   * parent), which it answers for the next round; each parent is given here once, by the
   * statement that completed it. $1 parent ids bigint[].
   */
  static final String RELEASE_AFTER_PARENTS = """
      WITH given AS MATERIALIZED (
          SELECT * FROM tasks WHERE id = ANY ($1::bigint[])
      ), parents AS ( -- apart from the look-up by id: with the status beside it, a plan read every finished task
          SELECT * FROM given WHERE status = 'completed'
      ), %s
      SELECT (SELECT count(*) FROM unblocked WHERE status = 'pending' AND unmet_prerequisites = 0) AS released,
             (SELECT array_agg(id) FROM unblocked WHERE status = 'completed' AND unmet_prerequisites = 0) AS completed_parents
      """.formatted(RELEASE_DEPENDENTS.formatted("parents"));

  /**
   * Fails a batch of attempts: each goes back to pending after a backoff while retryable and
   * attempts remain, else fails for good. The backoff is
   * {@link io.taskq.config.RetryPolicy#delaySeconds}: min(cap, base * 2^(attempts-1)) *
   * (1 - jitter * random()). $1 project_id bigint[], $2 task id bigint[], $3 lease_id uuid[],
   * $4 error text[], $5 retryable boolean[], $6 base seconds, $7 cap seconds, $8 jitter.
   */
  static final String FAIL_ALL = """
      WITH RECURSIVE input AS (
          SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[], $5::boolean[])
                   WITH ORDINALITY AS i(project_id, id, lease_id, error, retryable, ord)
      ), changed AS (
          UPDATE tasks t
             SET status = CASE WHEN i.retryable AND t.attempts < t.max_attempts THEN 'pending' ELSE 'failed' END,
                 run_at = CASE WHEN i.retryable AND t.attempts < t.max_attempts
                               THEN now() + make_interval(secs =>
                                    least($7::float8, $6::float8 * power(2, greatest(t.attempts - 1, 0)))
                                    * (1 - $8::float8 * random()))
                               ELSE t.run_at END,
                 lease_id = CASE WHEN i.retryable AND t.attempts < t.max_attempts THEN NULL ELSE t.lease_id END,
                 lease_expires_at = NULL,
                 error_message = i.error, updated_at = now()
            FROM (SELECT * FROM input ORDER BY id) i -- rows locked in id order: see LOCK_ORDER
           WHERE t.id = i.id AND t.project_id = i.project_id AND t.lease_id = i.lease_id
             AND t.lease_expires_at > now() -- the lease is held: see LEASE_HELD
             AND %s
          RETURNING t.*
      ), logged AS (
          INSERT INTO task_logs (task_id, event, worker_id, message, metadata)
          SELECT c.id, 'failed', c.worker_id, c.error_message,
                 jsonb_build_object('attempt', c.attempts, 'retryable', i.retryable, 'will_retry', c.status = 'pending',
                                    'next_run_at', CASE WHEN c.status = 'pending' THEN c.run_at END)
            FROM changed c JOIN input i ON i.id = c.id
      ), %s, %s
      %s""".formatted(DEPENDENTS_SEEN, RELEASE_ROOM.formatted("changed"),
      CASCADE_FROM.formatted("changed", "f.status = 'failed'", "prerequisite_failed"),
      BATCH_ANSWER_COUNTING.formatted("cascaded", "SELECT root AS id, count(*) AS n FROM cascaded GROUP BY root"));

  /**
   * $1 project_id, $2 task id. Pending, claimed or blocked become cancelled; a holder's lease dies
   * with it, and so do the blocked tasks that require it.
   */
  static final String CANCEL = """
      WITH RECURSIVE previous AS (
          SELECT id, status, type FROM tasks t WHERE project_id = $1 AND id = $2 AND status IN %s AND %s FOR UPDATE
      ), changed AS (
          UPDATE tasks t SET status = 'cancelled', lease_id = NULL, lease_expires_at = NULL
            FROM previous p WHERE t.id = p.id
          RETURNING t.*
      ), logged AS (
          INSERT INTO task_logs (task_id, event) SELECT id, 'cancelled' FROM changed
      ), %s, %s
      %s""".formatted(LIVE, DEPENDENTS_SEEN,
      RELEASE_ROOM.formatted("(SELECT type FROM previous WHERE status = 'claimed') AS was_claimed"),
      CASCADE_FROM.formatted("changed", "true", "prerequisite_cancelled"), """
      SELECT true AS applied, c.*, (SELECT count(*) FROM cascaded) AS cascaded FROM changed c
      UNION ALL
      SELECT false AS applied, t.*, 0 AS cascaded FROM tasks t
       WHERE t.project_id = $1 AND t.id = $2 AND NOT EXISTS (SELECT 1 FROM changed)
      """);

  /**
   * Cancels every live task of a project that matches the filter, in one statement; answers
   * how many. Null filters do not filter. Runs with the planner's defaults, as {@link #LIST} does.
   * $1 project_id, $2 statuses text[] (live ones),
   * $3 type, $4 external_id prefix.
   */
  static final String CANCEL_MATCHING = """
      WITH RECURSIVE previous AS (
          SELECT id, status, type FROM tasks t
           WHERE project_id = $1 AND status = ANY ($2::text[])
             AND ($3::text IS NULL OR type = $3)
             AND ($4::text IS NULL OR starts_with(external_id, $4))
             AND %s
             FOR UPDATE
      ), changed AS (
          UPDATE tasks t SET status = 'cancelled', lease_id = NULL, lease_expires_at = NULL
            FROM previous p WHERE t.id = p.id
          RETURNING t.id, t.has_dependents
      ), logged AS (
          INSERT INTO task_logs (task_id, event, message) SELECT id, 'cancelled', 'cancelled by filter' FROM changed
      ), %s, %s
      SELECT (SELECT count(*) FROM changed) AS cancelled, (SELECT count(*) FROM cascaded) AS cascaded
      """.formatted(DEPENDENTS_SEEN, RELEASE_ROOM.formatted("(SELECT type FROM previous WHERE status = 'claimed') AS was_claimed"),
      CASCADE_FROM.formatted("changed", "true", "prerequisite_cancelled"));

  /**
   * Cancels every live task of a workflow run in one statement, and (as any cancel does) what
   * requires them outside the run. Answers how many. $1 project_id, $2 run (internal id).
   */
  static final String CANCEL_RUN = """
      WITH RECURSIVE previous AS (
          SELECT id, status, type FROM tasks t
           WHERE workflow_run_id = $2 AND project_id = $1 AND status IN %s AND %s
             FOR UPDATE
      ), changed AS (
          UPDATE tasks t SET status = 'cancelled', lease_id = NULL, lease_expires_at = NULL
            FROM previous p WHERE t.id = p.id
          RETURNING t.id, t.has_dependents
      ), logged AS (
          INSERT INTO task_logs (task_id, event, message) SELECT id, 'cancelled', 'its workflow run was cancelled' FROM changed
      ), %s, %s
      SELECT (SELECT count(*) FROM changed) AS cancelled, (SELECT count(*) FROM cascaded) AS cascaded
      """.formatted(LIVE, DEPENDENTS_SEEN, RELEASE_ROOM.formatted("(SELECT type FROM previous WHERE status = 'claimed') AS was_claimed"),
      CASCADE_FROM.formatted("changed", "true", "prerequisite_cancelled"));

  /**
   * Changes the given fields of a pending or blocked task and logs an 'updated' entry naming those
   * whose value changed (message "priority, title", metadata {"fields": [...]}), in one statement.
   * The row is locked first, whatever its status: after waiting for a claim that committed first,
   * the lock answers the task's newest version, so the status is checked on that, and a refused
   * change is answered with that version (claimed: 409), not with the statement's older snapshot,
   * which still saw it pending. A claim that comes later sees the change: nothing is lost either way. A max_attempts at or below the attempts already made would leave a pending
   * task that can never be claimed (CHECK tasks_attempts_range): the guard refuses it too. A change
   * that changes no value writes nothing and answers the task as found.
   * $1 project_id, $2 task id, $3 the given fields text[] (TaskChanges.FIELDS names), $4 priority,
   * $5 run_at, $6 title, $7 description, $8 metadata (JSON text; null: none), $9 max_attempts.
   */
  static final String UPDATE_EDITABLE = """
      WITH locked AS (
          SELECT * FROM tasks WHERE project_id = $1 AND id = $2
             FOR NO KEY UPDATE -- the UPDATE's own lock: no key changes, so log inserts (FK checks) need not wait
      ), previous AS (
          SELECT * FROM locked
           WHERE status IN ('pending', 'blocked') AND (NOT 'max_attempts' = ANY ($3::text[]) OR $9::int > attempts)
      ), wanted AS (
          SELECT p.id,
                 CASE WHEN 'priority' = ANY ($3::text[]) THEN $4::int ELSE p.priority END AS priority,
                 CASE WHEN 'run_at' = ANY ($3::text[]) THEN $5::timestamptz ELSE p.run_at END AS run_at,
                 CASE WHEN 'title' = ANY ($3::text[]) THEN $6::text ELSE p.title END AS title,
                 CASE WHEN 'description' = ANY ($3::text[]) THEN $7::text ELSE p.description END AS description,
                 CASE WHEN 'metadata' = ANY ($3::text[]) THEN $8::text::jsonb ELSE p.metadata END AS metadata,
                 CASE WHEN 'max_attempts' = ANY ($3::text[]) THEN $9::int ELSE p.max_attempts END AS max_attempts
            FROM previous p
      ), changes AS (
          SELECT w.*, array_remove(ARRAY[
                     CASE WHEN w.priority IS DISTINCT FROM p.priority THEN 'priority' END,
                     CASE WHEN w.run_at IS DISTINCT FROM p.run_at THEN 'run_at' END,
                     CASE WHEN w.title IS DISTINCT FROM p.title THEN 'title' END,
                     CASE WHEN w.description IS DISTINCT FROM p.description THEN 'description' END,
                     CASE WHEN w.metadata IS DISTINCT FROM p.metadata THEN 'metadata' END,
                     CASE WHEN w.max_attempts IS DISTINCT FROM p.max_attempts THEN 'max_attempts' END], NULL) AS fields
            FROM wanted w JOIN previous p ON p.id = w.id
      ), changed AS (
          UPDATE tasks t
             SET priority = c.priority, run_at = c.run_at, title = c.title, description = c.description,
                 metadata = c.metadata, max_attempts = c.max_attempts
            FROM changes c
           WHERE t.id = c.id AND cardinality(c.fields) > 0
          RETURNING t.*, c.fields
      ), logged AS (
          INSERT INTO task_logs (task_id, event, message, metadata)
          SELECT id, 'updated', array_to_string(fields, ', '), jsonb_build_object('fields', to_jsonb(fields)) FROM changed
      )
      SELECT true AS applied, * FROM changed
      UNION ALL
      SELECT false AS applied, l.*, NULL::text[] AS fields FROM locked l WHERE NOT EXISTS (SELECT 1 FROM changed)
      """;

  /**
   * $1 project_id, $2 task id. Failed or cancelled become pending again (blocked, while prerequisites still hold
   * it), with a fresh set of attempts. A parent that completes with its children is never pending: it is blocked
   * while anything holds it (or while it has no child yet), else (its failed children were retried and completed
   * meanwhile) it completes now, and the caller releases its dependents ({@link #RELEASE_AFTER_PARENTS}).
   */
  static final String RETRY = """
      WITH previous AS (
          SELECT id, status, error_message FROM tasks
           WHERE project_id = $1 AND id = $2 AND status IN ('failed', 'cancelled')
             FOR UPDATE
      ), changed AS (
          UPDATE tasks t
             SET status = CASE WHEN t.unmet_prerequisites > 0 THEN 'blocked' WHEN %1$s THEN 'completed'
                               WHEN t.complete_when_children_done THEN 'blocked' ELSE 'pending' END,
                 attempts = 0, run_at = now(), worker_id = NULL, lease_id = NULL,
                 lease_expires_at = NULL, claimed_at = NULL, result = NULL, error_message = NULL,
                 completed_at = CASE WHEN t.unmet_prerequisites = 0 AND %1$s THEN now() END
            FROM previous p
           WHERE t.id = p.id
          RETURNING t.*
      ), logged AS (
          INSERT INTO task_logs (task_id, event, metadata)
          SELECT p.id, 'retried', jsonb_build_object('previous_status', p.status, 'previous_error', p.error_message)
            FROM previous p JOIN changed c ON c.id = p.id
          UNION ALL
          SELECT id, 'completed', jsonb_build_object('cause', 'children_completed') FROM changed WHERE status = 'completed'
      )
      %2$s""".formatted(COMPLETES_NOW, AS_FOUND_UNLESS);

  /**
   * Ends leases as a lapse does: each task goes back to pending, or fails when its attempts are
   * used up, its max_concurrency room is given back, and the blocked tasks that require one that
   * failed for good are cancelled (transitively); a {@code lease_expired} log row says so. Shared
   * by the lease sweep and by a worker's release ({@link WorkerSql#RELEASE}), which differ only in
   * which leases they end: {@code %1$s} is the body of the {@code expired} CTE (columns id,
   * worker_id, lease_id, rows locked), {@code %2$s} the condition re-checked on each locked row,
   * {@code %3$s} the error of a task failing for good, {@code %4$s} the log row's message (SQL)
   * and {@code %5$s} further metadata (a jsonb expression). The statement continues after the
   * last CTE: the caller adds its own answer.
   */
  static final String END_LEASES = """
      WITH RECURSIVE expired AS MATERIALIZED (
      %1$s
      ), swept AS (
          UPDATE tasks t
             SET status = CASE WHEN t.attempts < t.max_attempts THEN 'pending' ELSE 'failed' END,
                 error_message = CASE WHEN t.attempts < t.max_attempts THEN t.error_message
                                      ELSE '%3$s' END,
                 lease_id = NULL, lease_expires_at = NULL
            FROM expired e
           WHERE t.id = e.id AND %2$s AND {dependents_seen}
          RETURNING t.*
      ), logged AS (
          INSERT INTO task_logs (task_id, event, worker_id, message, metadata)
          SELECT s.id, 'lease_expired', e.worker_id, %4$s,
                 jsonb_build_object('lease_id', e.lease_id, 'attempt', s.attempts, 'next_status', s.status) || %5$s
            FROM swept s JOIN expired e ON e.id = s.id
      ), {release_room}, {cascade}"""
      .replace("{dependents_seen}", DEPENDENTS_SEEN)
      .replace("{release_room}", RELEASE_ROOM.formatted("swept"))
      .replace("{cascade}", CASCADE_FROM.formatted("swept", "f.status = 'failed'", "prerequisite_failed"));

  /**
   * Returns lapsed leases to the queue, or fails the task when its attempts are used up.
   * SKIP LOCKED and the re-checked guard make concurrent sweeps on several instances safe:
   * each lapsed lease is swept once. Runs with the planner's defaults: a generic plan cannot see
   * the batch size. $1 batch size.
   */
  static final String SWEEP_EXPIRED_LEASES = END_LEASES.formatted("""
          SELECT id, worker_id, lease_id FROM tasks
           WHERE status = 'claimed' AND lease_expires_at <= now()
           ORDER BY lease_expires_at
           LIMIT $1
             FOR UPDATE SKIP LOCKED""",
      "t.status = 'claimed' AND t.lease_expires_at <= now()", "lease expired on the last attempt", "NULL",
      "'{}'::jsonb") + """

      SELECT * FROM swept
      """;
}
