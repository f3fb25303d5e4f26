-- One task through its life, for pgbench (-M prepared, generic plans as taskq's sessions): create it,
-- claim one task (taskq's TaskSql.CLAIM, one slot), complete the claimed task (a plain UPDATE: the
-- claim is what is measured; pgbench -r gives each statement's latency). :project from -D.
INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds) VALUES (:project, 'churn', '1', 3, 60);
      WITH candidates AS MATERIALIZED (
          SELECT id, priority, run_at, type FROM tasks t
           WHERE project_id = :project AND status = 'pending' AND run_at <= now()
             AND (cardinality('{}'::text[]) = 0 OR type = ANY ('{}'::text[]))
             AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.project_id = :project AND p.type IN ('*', t.type))
             AND NOT EXISTS (SELECT 1 FROM task_type_limits l WHERE l.type = t.type AND l.claimed >= l.max_concurrency)
           ORDER BY priority DESC, run_at, id
           LIMIT cardinality(ARRAY['w1']::text[])
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
            FROM unnest(ARRAY['w1']::text[], ARRAY[NULL]::int[], (SELECT array_agg(id ORDER BY slot) FROM numbered))
                 WITH ORDINALITY AS s(worker_id, lease_seconds, id, slot)
           WHERE t.id = s.id
          RETURNING t.*, s.slot
      ), logged AS (
          INSERT INTO task_logs (task_id, event, worker_id, metadata)
          SELECT id, 'claimed', worker_id,
                 jsonb_build_object('lease_id', lease_id, 'attempt', attempts, 'lease_expires_at', lease_expires_at)
            FROM claimed
      )
      SELECT id AS claimed_id, lease_id AS claimed_lease FROM claimed ORDER BY slot
\gset
UPDATE tasks SET status = 'completed', completed_at = now(), lease_expires_at = NULL, updated_at = now()
 WHERE id = :claimed_id AND project_id = :project AND lease_id = :claimed_lease;
