--liquibase formatted sql

--changeset taskq:016-task-logs-one-index
-- Every claim and completion writes a log row, and each log row cost two index inserts: the
-- primary key on id and (task_id, id) for reading a task's log. The log is only ever read by
-- task, so (task_id, id) becomes the primary key and the index on id alone goes.
ALTER TABLE task_logs DROP CONSTRAINT task_logs_pkey;
DROP INDEX task_logs_task_id_idx;
ALTER TABLE task_logs ADD CONSTRAINT task_logs_pkey PRIMARY KEY (task_id, id);
--rollback ALTER TABLE task_logs DROP CONSTRAINT task_logs_pkey;
--rollback ALTER TABLE task_logs ADD CONSTRAINT task_logs_pkey PRIMARY KEY (id);
--rollback CREATE INDEX task_logs_task_id_idx ON task_logs (task_id, id);
