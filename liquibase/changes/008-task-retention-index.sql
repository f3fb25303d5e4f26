--liquibase formatted sql

--changeset taskq:008-task-retention-index
-- Retention finds old finished tasks without scanning live ones.
CREATE INDEX tasks_finished_idx ON tasks (updated_at) WHERE status IN ('completed', 'cancelled', 'failed');
--rollback DROP INDEX tasks_finished_idx;
