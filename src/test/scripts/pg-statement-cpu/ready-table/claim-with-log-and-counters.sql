-- The prototype's claim (schema.sql) with the shipped statement's logged, counted and seen CTEs.
WITH r AS (
    DELETE FROM ready WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM ready WHERE project_id = $1 AND (cardinality($2::text[]) = 0 OR type = ANY ($2::text[]))
         ORDER BY priority DESC, run_at, id LIMIT cardinality($3::text[]) FOR UPDATE SKIP LOCKED))
    RETURNING id, priority, run_at
), numbered AS (
    SELECT id, row_number() OVER (ORDER BY priority DESC, run_at, id) AS slot FROM r
), claimed AS (
    UPDATE tasks t SET status = 'claimed', worker_id = s.worker_id, lease_id = gen_random_uuid(), claimed_at = now(),
           lease_expires_at = now() + make_interval(secs => coalesce(s.lease_seconds, t.lease_seconds)),
           attempts = t.attempts + 1, updated_at = now()
      FROM unnest($3::text[], $4::int[], (SELECT array_agg(id ORDER BY slot) FROM numbered)) WITH ORDINALITY AS s(worker_id, lease_seconds, id, slot)
     WHERE t.id = s.id
    RETURNING t.*, s.slot
), leased AS (
    INSERT INTO leases SELECT id, lease_expires_at FROM claimed
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
