--liquibase formatted sql

--changeset taskq:021-task-log-released
-- A blocked task released by the completion of its last prerequisite (or by the removal of the
-- link that held it) gets a 'released' entry.
ALTER TABLE task_logs DROP CONSTRAINT task_logs_event_known;
ALTER TABLE task_logs ADD CONSTRAINT task_logs_event_known CHECK (event IN
    ('created', 'claimed', 'heartbeat', 'completed', 'failed', 'retried', 'lease_expired', 'cancelled', 'released')) NOT VALID;
ALTER TABLE task_logs VALIDATE CONSTRAINT task_logs_event_known;
--rollback DELETE FROM task_logs WHERE event = 'released';
--rollback ALTER TABLE task_logs DROP CONSTRAINT task_logs_event_known;
--rollback ALTER TABLE task_logs ADD CONSTRAINT task_logs_event_known CHECK (event IN ('created', 'claimed', 'heartbeat', 'completed', 'failed', 'retried', 'lease_expired', 'cancelled'));
