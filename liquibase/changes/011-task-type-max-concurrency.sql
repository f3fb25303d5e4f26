--liquibase formatted sql

--changeset taskq:011-task-type-max-concurrency
-- At most max_concurrency tasks of a type claimed at once, across all workers and instances.
-- claimed counts the holders; the claim statement takes room from it and complete, fail,
-- cancel and the lease sweep give it back, all in the statements that change the tasks.
CREATE TABLE task_type_limits (
    type            text    PRIMARY KEY,
    max_concurrency integer NOT NULL CONSTRAINT task_type_limits_max_positive CHECK (max_concurrency > 0),
    claimed         integer NOT NULL DEFAULT 0 CONSTRAINT task_type_limits_claimed_range CHECK (claimed >= 0)
);
CREATE INDEX tasks_claimed_type_idx ON tasks (type) WHERE status = 'claimed';
--rollback DROP INDEX tasks_claimed_type_idx;
--rollback DROP TABLE task_type_limits;
