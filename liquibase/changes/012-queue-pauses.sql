--liquibase formatted sql

--changeset taskq:012-queue-pauses
-- A paused queue is not claimed from. type '*' pauses the whole project.
CREATE TABLE queue_pauses (
    project_id bigint      NOT NULL REFERENCES projects (id),
    type       text        NOT NULL,
    paused_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, type)
);
--rollback DROP TABLE queue_pauses;
