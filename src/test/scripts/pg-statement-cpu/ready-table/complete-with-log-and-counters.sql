-- The prototype's complete (schema.sql) with the shipped statement's logged, counted and seen CTEs.
WITH input AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[]) WITH ORDINALITY AS i(project_id, id, lease_id, result, ord)
), changed AS (
    UPDATE tasks t SET status = 'completed', result = i.result::jsonb, completed_at = now(), lease_expires_at = NULL, updated_at = now()
      FROM (SELECT * FROM input ORDER BY id) i
     WHERE t.id = i.id AND t.project_id = i.project_id AND t.lease_id = i.lease_id AND t.lease_expires_at > now()
    RETURNING t.*
), unleased AS (
    DELETE FROM leases l USING changed c WHERE l.task_id = c.id
), logged AS (
    INSERT INTO task_logs (task_id, event, worker_id) SELECT id, 'completed', worker_id FROM changed
), counted AS (
    INSERT INTO task_stat_deltas (project_id, type, status, attempts, at_minute, tasks, created, entered)
    SELECT project_id, type, status, attempts, date_trunc('minute', now()), sum(tasks), 0, sum(entered)
      FROM (SELECT project_id, coalesce(type, '') AS type, 'completed' AS status, attempts, 1 AS tasks, 1 AS entered
              FROM changed
            UNION ALL
            SELECT project_id, coalesce(type, ''), 'claimed', attempts, -1, 0 FROM changed) x
     GROUP BY project_id, type, status, attempts
), seen AS (
    INSERT INTO worker_deltas (project_id, worker_id, seen_at, completed, processing_us)
    SELECT project_id, worker_id, now(), count(*), sum((extract(epoch FROM completed_at - claimed_at) * 1000000)::bigint)
      FROM changed WHERE worker_id IS NOT NULL GROUP BY project_id, worker_id
)
SELECT i.ord, true AS applied, c.* FROM input i JOIN changed c ON c.id = i.id
UNION ALL
SELECT i.ord, false AS applied, f.* FROM input i JOIN tasks f ON f.id = i.id AND f.project_id = i.project_id
 WHERE NOT EXISTS (SELECT 1 FROM changed c WHERE c.id = i.id)
ORDER BY ord
