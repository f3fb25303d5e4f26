--liquibase formatted sql

--changeset taskq:019-task-dependency-columns
-- A dependent keeps the count of what still holds it, so that the completion of its last
-- prerequisite releases it without counting its other links (a task with 10,000 prerequisites
-- costs each of their completions the same). A live task is 'blocked' exactly when the count
-- is above zero; the invariant is checked by the dependency tests (DependencySql.INVARIANT_VIOLATIONS),
-- not by a CHECK, which would cost every claim and completion (STACK.md: 2-3 us per CHECK per UPDATE).
-- has_dependents is set when a holding link to the task is made and never cleared: finishing
-- statements read task_dependencies only for tasks that have it, so a task without dependents
-- pays nothing for the feature. Both columns have constant defaults: adding them rewrites nothing.
ALTER TABLE tasks ADD COLUMN unmet_prerequisites integer NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN has_dependents boolean NOT NULL DEFAULT false;
--rollback ALTER TABLE tasks DROP COLUMN has_dependents;
--rollback ALTER TABLE tasks DROP COLUMN unmet_prerequisites;
