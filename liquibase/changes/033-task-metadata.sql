--liquibase formatted sql

--changeset taskq:033-task-metadata
-- Free metadata of a task: a JSON object of at most 64 KiB, checked by the API (see
-- README, "Metadata and changing a task"). NULL means none, and an empty object is stored as NULL
-- too, so that the GIN index below holds only the tasks that have some.
--
-- No CHECK on its type or size: PostgreSQL evaluates every CHECK of tasks on every UPDATE, and
-- every claim, heartbeat and completion updates the row; jsonb_typeof(metadata) would have to
-- detoast a large value on each of them (up to 64 KiB, stored out of line), and a size check
-- would serialise it. The API is the only writer.
ALTER TABLE tasks ADD COLUMN metadata jsonb;

-- The containment filter of the listing (metadata @> '{"team":"infra"}'). jsonb_path_ops: one
-- hashed entry per path to a value, a third of the size of jsonb_ops, and it serves exactly @>.
-- Partial: every state change of a task is a non-HOT UPDATE (the claimable index covers status
-- and run_at), so every index of tasks gets a new entry for each claim and completion; tasks
-- without metadata, the common case, never enter this one. The listing says
-- "metadata IS NOT NULL AND metadata @> $n" (TaskSql.LIST_BY_METADATA).
CREATE INDEX tasks_metadata_idx ON tasks USING gin (metadata jsonb_path_ops) WHERE metadata IS NOT NULL;
--rollback DROP INDEX tasks_metadata_idx;
--rollback ALTER TABLE tasks DROP COLUMN metadata;
