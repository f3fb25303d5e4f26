--liquibase formatted sql

--changeset taskq:030-untyped-tasks
-- Tasks of the original dashboard clients have no type: no version, params {} by default, no
-- schema. Claims without a types filter receive them; a types filter never matches null.
-- No CHECK pairs type with type_version: every CHECK is evaluated on every update of a task
-- (claim, heartbeat, complete), and the server always writes the two together.
ALTER TABLE tasks ALTER COLUMN type DROP NOT NULL;
ALTER TABLE tasks ALTER COLUMN type_version DROP NOT NULL;
-- Rolling back fails while untyped tasks exist: they have no type to give back.
--rollback ALTER TABLE tasks ALTER COLUMN type_version SET NOT NULL;
--rollback ALTER TABLE tasks ALTER COLUMN type SET NOT NULL;
