-- The prototype's claim (schema.sql), without log rows or counters; parameters as TaskSql's.
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
)
SELECT * FROM claimed ORDER BY slot
