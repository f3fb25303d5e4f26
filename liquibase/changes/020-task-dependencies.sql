--liquibase formatted sql

--changeset taskq:020-task-dependencies
-- One row per link: task_id waits on prerequisite_id. No foreign keys, for the reason 013 gives:
-- a graph of 50,000 links would run 100,000 trigger calls. Links are written only by the
-- statements in DependencySql (which check both ends exist in the project) and deleted with
-- their tasks by retention.
CREATE TABLE task_dependencies (
    task_id         bigint      NOT NULL,
    prerequisite_id bigint      NOT NULL,
    link_type       text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT task_dependencies_pkey PRIMARY KEY (task_id, prerequisite_id),
    CONSTRAINT task_dependencies_link_type_known CHECK (link_type IN ('requires', 'blocks', 'suggests')),
    CONSTRAINT task_dependencies_not_self CHECK (task_id <> prerequisite_id)
);
-- A finishing statement reads the dependents of the tasks it finished through this index (and
-- only when tasks.has_dependents says there are any); INCLUDE spares it the heap.
CREATE INDEX task_dependencies_prerequisite_idx ON task_dependencies (prerequisite_id, task_id) INCLUDE (link_type);
--rollback DROP TABLE task_dependencies;
