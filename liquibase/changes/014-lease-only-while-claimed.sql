--liquibase formatted sql

--changeset taskq:014-lease-only-while-claimed
-- A lease expiry exists only while a task is claimed. The lease-holder statements rely on it:
-- they check "lease_expires_at > now()" rather than the status, so that PostgreSQL finds the
-- task by id instead of scanning the partial indexes over every claimed task.
ALTER TABLE tasks ADD CONSTRAINT tasks_lease_only_while_claimed CHECK (status = 'claimed' OR lease_expires_at IS NULL);
-- Unused since max_concurrency is counted in task_type_limits, and a competitor for those plans.
DROP INDEX tasks_claimed_type_idx;
--rollback CREATE INDEX tasks_claimed_type_idx ON tasks (type) WHERE status = 'claimed';
--rollback ALTER TABLE tasks DROP CONSTRAINT tasks_lease_only_while_claimed;
