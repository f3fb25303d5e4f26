--liquibase formatted sql

--changeset taskq:035-task-counters splitStatements:false
-- Statistics from counters kept in the same transactions as the changes, never from COUNT(*)
-- over tasks (GET /projects/{p}/stats, the leader's live-task gauges, the task_stats view).
--
-- Every statement that writes tasks appends, through a statement-level trigger with transition
-- tables, one row per (project, type, status, attempts) group it changed to task_stat_deltas.
-- That table is insert-only and has no index: concurrent claims and completions share no row
-- and no lock (a single counter row per group would serialise 32 workers on its row lock).
-- The leader folds the deltas into task_counts and task_throughput about every second
-- (StatsSql.FOLD); readers add counts and the deltas not yet folded in one statement, so they
-- are exact whatever the fold's lag. Untyped tasks (a nullable type) are counted under ''.
-- Attempts are part of the group so that the maximum can be read (a maximum cannot be
-- decremented); attempts are at most 1000, so the groups stay few.
CREATE TABLE task_stat_deltas (
    project_id bigint      NOT NULL,
    type       text        NOT NULL,
    status     text        NOT NULL,
    attempts   integer     NOT NULL,
    at_minute  timestamptz NOT NULL,
    -- net change of the number of tasks in the group
    tasks      bigint      NOT NULL,
    -- tasks inserted into the group
    created    bigint      NOT NULL,
    -- tasks that changed into the group's status from another
    entered    bigint      NOT NULL
);

CREATE TABLE task_counts (
    project_id bigint  NOT NULL,
    type       text    NOT NULL,
    status     text    NOT NULL,
    attempts   integer NOT NULL,
    tasks      bigint  NOT NULL,
    PRIMARY KEY (project_id, type, status, attempts)
);

-- Per-minute rollups: tasks created, and tasks that became claimed, completed and failed (failed
-- for good: an attempt that is retried is not a failed task). Kept a day.
CREATE TABLE task_throughput (
    project_id bigint      NOT NULL,
    minute     timestamptz NOT NULL,
    type       text        NOT NULL,
    created    bigint      NOT NULL,
    claimed    bigint      NOT NULL,
    completed  bigint      NOT NULL,
    failed     bigint      NOT NULL,
    PRIMARY KEY (project_id, minute, type)
);

CREATE FUNCTION taskq_count_inserted_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_stat_deltas (project_id, type, status, attempts, at_minute, tasks, created, entered)
    SELECT project_id, coalesce(type, ''), status, attempts, date_trunc('minute', now()), count(*), count(*), 0
      FROM new_tasks
     GROUP BY project_id, coalesce(type, ''), status, attempts;
    RETURN NULL;
END
$$;

-- The join on id tells a status change from a row that kept its status (a heartbeat, a PATCH):
-- only changes count as throughput. An update that moves no row between groups appends nothing.
-- PL/pgSQL keeps the join's plan for the session, made for the transition tables of the first
-- call: after a one-row claim that is a nested loop, and a later cancel of 20,000 tasks then
-- compared every pair (33 s instead of 0.2 s, PostgreSQL 15). Without nested loops the join is a
-- hash or merge join whatever the sizes.
CREATE FUNCTION taskq_count_updated_tasks() RETURNS trigger LANGUAGE plpgsql SET enable_nestloop = off AS $$
BEGIN
    INSERT INTO task_stat_deltas (project_id, type, status, attempts, at_minute, tasks, created, entered)
    SELECT project_id, type, status, attempts, date_trunc('minute', now()), sum(tasks), 0, sum(entered)
      FROM (SELECT n.project_id, coalesce(n.type, '') AS type, n.status, n.attempts, 1 AS tasks,
                   CASE WHEN n.status <> o.status THEN 1 ELSE 0 END AS entered
              FROM new_tasks n JOIN old_tasks o ON o.id = n.id
            UNION ALL
            SELECT project_id, coalesce(type, ''), status, attempts, -1, 0 FROM old_tasks) x
     GROUP BY project_id, type, status, attempts
    HAVING sum(tasks) <> 0 OR sum(entered) <> 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION taskq_count_deleted_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_stat_deltas (project_id, type, status, attempts, at_minute, tasks, created, entered)
    SELECT project_id, coalesce(type, ''), status, attempts, date_trunc('minute', now()), -count(*), 0, 0
      FROM old_tasks
     GROUP BY project_id, coalesce(type, ''), status, attempts;
    RETURN NULL;
END
$$;

-- No write may slip between the first count and the triggers.
LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE;
CREATE TRIGGER tasks_count_inserted AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION taskq_count_inserted_tasks();
CREATE TRIGGER tasks_count_updated AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION taskq_count_updated_tasks();
CREATE TRIGGER tasks_count_deleted AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION taskq_count_deleted_tasks();
INSERT INTO task_counts (project_id, type, status, attempts, tasks)
SELECT project_id, coalesce(type, ''), status, attempts, count(*) FROM tasks
 GROUP BY project_id, coalesce(type, ''), status, attempts;

-- The age of the oldest claimable task of a type: the first entry of this index for the
-- (project, type), one probe per type that has pending tasks. Only pending rows enter it, so it
-- costs one index entry per created or retried task, none per claim or completion. Keyed on
-- coalesce(type, '') (untyped tasks included), an expression that only the stats statements
-- write, so that the claim (type = ANY ...) can never pick it instead of tasks_claimable_idx.
CREATE INDEX tasks_oldest_pending_idx ON tasks (project_id, coalesce(type, ''), run_at) WHERE status = 'pending';
--rollback DROP INDEX tasks_oldest_pending_idx;
--rollback DROP TRIGGER tasks_count_deleted ON tasks;
--rollback DROP TRIGGER tasks_count_updated ON tasks;
--rollback DROP TRIGGER tasks_count_inserted ON tasks;
--rollback DROP FUNCTION taskq_count_deleted_tasks();
--rollback DROP FUNCTION taskq_count_updated_tasks();
--rollback DROP FUNCTION taskq_count_inserted_tasks();
--rollback DROP TABLE task_throughput;
--rollback DROP TABLE task_counts;
--rollback DROP TABLE task_stat_deltas;
