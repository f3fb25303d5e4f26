-- The prototype's complete (schema.sql), without log rows or counters; parameters as TaskSql's.
WITH input AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[]) WITH ORDINALITY AS i(project_id, id, lease_id, result, ord)
), changed AS (
    UPDATE tasks t SET status = 'completed', result = i.result::jsonb, completed_at = now(), lease_expires_at = NULL, updated_at = now()
      FROM (SELECT * FROM input ORDER BY id) i
     WHERE t.id = i.id AND t.project_id = i.project_id AND t.lease_id = i.lease_id AND t.lease_expires_at > now()
    RETURNING t.*
), unleased AS (
    DELETE FROM leases l USING changed c WHERE l.task_id = c.id
)
SELECT i.ord, true AS applied, c.* FROM input i JOIN changed c ON c.id = i.id
UNION ALL
SELECT i.ord, false AS applied, f.* FROM input i JOIN tasks f ON f.id = i.id AND f.project_id = i.project_id
 WHERE NOT EXISTS (SELECT 1 FROM changed c WHERE c.id = i.id)
ORDER BY ord
