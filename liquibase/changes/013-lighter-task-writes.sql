--liquibase formatted sql

--changeset taskq:013-lighter-task-writes
-- Less work per task write, measured with `taskq bench` (see src/site/markdown/benchmarks.md):
-- * tasks_project_status_id_idx competed with the claimable index: with stale statistics for a
--   freshly filled project the planner chose it and sorted every pending row (150 ms a claim
--   instead of 0.3 ms), and it cost an index insert on every claim and completion. Listings
--   by status use tasks_project_id_idx and filter.
-- * The foreign keys from tasks to task_types and from task_logs to tasks each ran a trigger
--   per row (about a third of a bulk insert's time). Task types are never deleted and are
--   checked when a task is created; logs are written only by the statements that change their
--   task, and retention deletes them together with it.
DROP INDEX tasks_project_status_id_idx;
ALTER TABLE tasks DROP CONSTRAINT tasks_type_fk;
ALTER TABLE task_logs DROP CONSTRAINT task_logs_task_id_fkey;
--rollback ALTER TABLE task_logs ADD CONSTRAINT task_logs_task_id_fkey FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE;
--rollback ALTER TABLE tasks ADD CONSTRAINT tasks_type_fk FOREIGN KEY (type, type_version) REFERENCES task_types (name, version);
--rollback CREATE INDEX tasks_project_status_id_idx ON tasks (project_id, status, id);
