--liquibase formatted sql

--changeset taskq:023-events
-- External events a task can wait on ({"event": "<key>"} in depends_on). An event is stored
-- once per project and key (idempotent by key) and kept until expires_at, so that an event that
-- arrives before the task that waits on it still releases it. A wait row exists only while its
-- event has not arrived: the arrival deletes the rows, counting each wait down exactly once,
-- and an event sent again after its expiry finds nothing left to count. The payloads of the
-- events a task waited on are kept on the task (event_payloads, keyed by event key; null for a
-- task that waited on none).
CREATE TABLE events (
    project_id  bigint      NOT NULL,
    key         text        NOT NULL CONSTRAINT events_key_length CHECK (char_length(key) BETWEEN 1 AND 255),
    payload     jsonb,
    received_at timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY (project_id, key)
);
CREATE INDEX events_expires_at_idx ON events (expires_at);
CREATE TABLE task_event_waits (
    project_id bigint NOT NULL,
    event_key  text   NOT NULL,
    task_id    bigint NOT NULL,
    CONSTRAINT task_event_waits_pkey PRIMARY KEY (project_id, event_key, task_id)
);
-- Retention deletes the waits of the tasks it deletes.
CREATE INDEX task_event_waits_task_idx ON task_event_waits (task_id);
ALTER TABLE tasks ADD COLUMN event_payloads jsonb;
--rollback ALTER TABLE tasks DROP COLUMN event_payloads;
--rollback DROP TABLE task_event_waits;
--rollback DROP TABLE events;
