package io.taskq.workflow.model;

import java.time.Instant;

/** A registered workflow version of a project; immutable once registered. */
public record Workflow(long id, long projectId, String name, int version, WorkflowDefinition definition, Instant createdAt) {
}
