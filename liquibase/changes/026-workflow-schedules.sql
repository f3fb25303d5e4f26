--liquibase formatted sql

--changeset taskq:026-workflow-schedules
-- When each scheduled workflow is next due. One row per (project, name): the newest registered
-- version decides (next_due_at null when it has no schedule). The leader (ScheduleService) starts
-- the run of the most recent due occurrence, then moves next_due_at on; a run is started exactly
-- once because its id ("<name>@<occurrence>") is unique in the project, whoever starts it.
CREATE TABLE workflow_schedules (
    project_id  bigint      NOT NULL,
    name        text        NOT NULL,
    version     integer     NOT NULL,
    next_due_at timestamptz,
    CONSTRAINT workflow_schedules_pkey PRIMARY KEY (project_id, name)
);
CREATE INDEX workflow_schedules_due_idx ON workflow_schedules (next_due_at) WHERE next_due_at IS NOT NULL;
--rollback DROP TABLE workflow_schedules;
