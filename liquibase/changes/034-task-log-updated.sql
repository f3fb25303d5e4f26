--liquibase formatted sql

--changeset taskq:034-task-log-updated
-- PATCH /projects/{p}/tasks/{id} writes an 'updated' entry naming the fields it changed
-- (metadata {"fields": [...]}).
ALTER TABLE task_logs DROP CONSTRAINT task_logs_event_known;
ALTER TABLE task_logs ADD CONSTRAINT task_logs_event_known CHECK (event IN
    ('created', 'claimed', 'heartbeat', 'completed', 'failed', 'retried', 'lease_expired', 'cancelled', 'released',
     'updated')) NOT VALID;
ALTER TABLE task_logs VALIDATE CONSTRAINT task_logs_event_known;
--rollback DELETE FROM task_logs WHERE event = 'updated';
--rollback ALTER TABLE task_logs DROP CONSTRAINT task_logs_event_known;
--rollback ALTER TABLE task_logs ADD CONSTRAINT task_logs_event_known CHECK (event IN ('created', 'claimed', 'heartbeat', 'completed', 'failed', 'retried', 'lease_expired', 'cancelled', 'released'));
