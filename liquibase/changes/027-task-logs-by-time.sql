--liquibase formatted sql

--changeset taskq:027-task-logs-by-time
-- The cross-task audit (GET /projects/{p}/logs) lists a project's entries newest first. The
-- primary key (task_id, id) cannot serve it; this index is read backwards from the newest entry
-- (or from `until`, down to `since`), joining each entry to its task for the project, and stops
-- at the page size. Its cost on every log insert is one more b-tree insert at the right edge of
-- the index (created_at is the writing transaction's start, so inserts land on or near the last
-- leaf page, which stays cached): about 28 bytes of
-- index (tuple and line pointer) and one more WAL record (roughly 70 bytes) per log row.
CREATE INDEX task_logs_created_idx ON task_logs (created_at, id);
--rollback DROP INDEX task_logs_created_idx;
