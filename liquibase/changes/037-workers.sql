--liquibase formatted sql

--changeset taskq:037-workers splitStatements:false
-- What taskq knows of each worker id of a project (GET /projects/{p}/workers), kept off the claim
-- and completion path: no statement of that path updates a per-worker row.
--
-- worker_deltas is insert-only and has no index: a statement-level trigger on tasks appends one
-- row per (project, worker) per statement that touched a lease (claim, heartbeat, completion,
-- failure, lapse, release), and each instance appends the sightings it noted in memory (claims
-- that found nothing) every few seconds. Concurrent statements share no row and take no row lock.
-- The leader folds the rows into workers about every second (delete ... returning, then one upsert),
-- so the table holds about a second of statements; readers sum both (worker_stats).
CREATE TABLE worker_deltas (
    project_id    bigint      NOT NULL,
    worker_id     text        NOT NULL,
    seen_at       timestamptz,              -- null: the worker did nothing (its lease lapsed, or was cancelled)
    claimed       int         NOT NULL DEFAULT 0,
    completed     int         NOT NULL DEFAULT 0,
    failed        int         NOT NULL DEFAULT 0,
    expired       int         NOT NULL DEFAULT 0,
    released      int         NOT NULL DEFAULT 0,
    processing_us bigint      NOT NULL DEFAULT 0
);

CREATE TABLE workers (
    project_id    bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    worker_id     text        NOT NULL CONSTRAINT workers_worker_id_length CHECK (char_length(worker_id) BETWEEN 1 AND 255),
    first_seen_at timestamptz,
    last_seen_at  timestamptz,
    claimed       bigint      NOT NULL DEFAULT 0,
    completed     bigint      NOT NULL DEFAULT 0,
    failed        bigint      NOT NULL DEFAULT 0,
    expired       bigint      NOT NULL DEFAULT 0,
    released      bigint      NOT NULL DEFAULT 0,
    processing_us bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, worker_id)
);

-- One aggregated row per worker per statement, from the statement's old and new rows:
--   claimed   a task became claimed (a new lease);
--   completed a claimed task completed (processing time: its claimed_at to its completed_at);
--   failed    a claimed task whose lease was still held went back to pending or failed (the
--             worker reported a failure; a release is one too, until the releasing statement
--             moves it to released in the same statement);
--   expired   a claimed task whose lease had lapsed went back to pending or failed (the sweep);
--   seen_at   the worker acted in the statement (claim, heartbeat, completion, failure): not
--             when its lease lapsed or its task was cancelled.
-- Rows that touch no lease (creation, dependency releases, cancellation of pending tasks) add nothing.
CREATE FUNCTION worker_deltas_from_tasks() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    -- Old and new versions are paired by GROUP BY id, not by a join: the function's plan is made
    -- once, for whatever size the first statement had, and a nested loop planned for one row
    -- would be quadratic for a batch of thousands; grouping is linear at any size.
    INSERT INTO worker_deltas (project_id, worker_id, seen_at, claimed, completed, failed, expired, processing_us)
    SELECT project_id, worker_id,
           CASE WHEN bool_or(now_status = 'claimed'
                             OR (was = 'claimed' AND now_status <> 'cancelled' AND old_expiry > now())) THEN now() END,
           count(*) FILTER (WHERE now_status = 'claimed' AND new_claimed_at IS DISTINCT FROM old_claimed_at),
           count(*) FILTER (WHERE was = 'claimed' AND now_status = 'completed'),
           count(*) FILTER (WHERE was = 'claimed' AND now_status IN ('pending', 'failed') AND old_expiry > now()),
           count(*) FILTER (WHERE was = 'claimed' AND now_status IN ('pending', 'failed') AND old_expiry <= now()),
           coalesce(sum((extract(epoch FROM completed_at - old_claimed_at) * 1000000)::bigint)
                    FILTER (WHERE was = 'claimed' AND now_status = 'completed'), 0)
      FROM (SELECT max(project_id) AS project_id,
                   max(worker_id) FILTER (WHERE NOT is_old) AS worker_id,
                   max(status) FILTER (WHERE is_old) AS was,
                   max(status) FILTER (WHERE NOT is_old) AS now_status,
                   max(lease_expires_at) FILTER (WHERE is_old) AS old_expiry,
                   max(claimed_at) FILTER (WHERE is_old) AS old_claimed_at,
                   max(claimed_at) FILTER (WHERE NOT is_old) AS new_claimed_at,
                   max(completed_at) FILTER (WHERE NOT is_old) AS completed_at
              FROM (SELECT true AS is_old, id, project_id, worker_id, status, lease_expires_at, claimed_at, completed_at FROM old_rows
                    UNION ALL
                    SELECT false, id, project_id, worker_id, status, lease_expires_at, claimed_at, completed_at FROM new_rows) v
             GROUP BY id) c
     WHERE (was = 'claimed' OR now_status = 'claimed') AND worker_id IS NOT NULL
     GROUP BY project_id, worker_id
    HAVING bool_or(now_status <> 'cancelled');
    RETURN NULL;
END
$fn$;

CREATE TRIGGER tasks_worker_deltas AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION worker_deltas_from_tasks();

-- Folded and unfolded counts together. leases_held counts live leases only (the partial index
-- tasks_lease_expiry_idx covers exactly the claimed tasks). It reads no type_version.
CREATE VIEW worker_stats AS
SELECT s.project_id, s.worker_id, s.first_seen_at, s.last_seen_at,
       coalesce(h.leases, 0) AS leases_held,
       s.claimed, s.completed, s.failed, s.expired, s.released,
       CASE WHEN s.completed + s.failed + s.expired > 0
            THEN s.completed::float8 / (s.completed + s.failed + s.expired) END AS success_rate,
       CASE WHEN s.completed > 0 THEN s.processing_us::float8 / s.completed / 1000 END AS avg_processing_ms
  FROM (SELECT project_id, worker_id, min(first_seen_at) AS first_seen_at, max(last_seen_at) AS last_seen_at,
               sum(claimed)::bigint AS claimed, sum(completed)::bigint AS completed, sum(failed)::bigint AS failed,
               sum(expired)::bigint AS expired, sum(released)::bigint AS released, sum(processing_us)::bigint AS processing_us
          FROM (SELECT project_id, worker_id, first_seen_at, last_seen_at, claimed, completed, failed, expired, released, processing_us
                  FROM workers
                UNION ALL
                SELECT project_id, worker_id, seen_at, seen_at, claimed, completed, failed, expired, released, processing_us
                  FROM worker_deltas) u
         GROUP BY project_id, worker_id) s
  LEFT JOIN (SELECT project_id, worker_id, count(*) AS leases FROM tasks
              WHERE status = 'claimed' AND lease_expires_at > now()
              GROUP BY project_id, worker_id) h
         ON h.project_id = s.project_id AND h.worker_id = s.worker_id;
--rollback DROP VIEW worker_stats;
--rollback DROP TRIGGER tasks_worker_deltas ON tasks;
--rollback DROP FUNCTION worker_deltas_from_tasks();
--rollback DROP TABLE workers;
--rollback DROP TABLE worker_deltas;
