--liquibase formatted sql

--changeset taskq:018-queue-pauses-type-format
-- Before pause and resume checked the type, rows with junk types (' ', '%', '') could be
-- written; they stay listed and no request can resume them now. A pause names the whole
-- project ('*') or a type spelled as task_types_name_format has it; nothing else is a pause.
DELETE FROM queue_pauses WHERE NOT (type = '*' OR type ~ '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}$');
ALTER TABLE queue_pauses ADD CONSTRAINT queue_pauses_type_format
    CHECK (type = '*' OR type ~ '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}$');
-- The deleted rows are not restored: they paused nothing a client could name.
--rollback ALTER TABLE queue_pauses DROP CONSTRAINT queue_pauses_type_format;
