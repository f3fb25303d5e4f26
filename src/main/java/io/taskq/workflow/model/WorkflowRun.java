package io.taskq.workflow.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * A run of a workflow as read from its tasks: {@code status} is running, completed, failed or
 * cancelled; {@code counts} its tasks by status; {@code startedAt} its first claim;
 * {@code finishedAt} set once no task of it is live. {@code definition} is null in listings.
 *
 * @param id the run's internal id (its tasks' workflow_run_id)
 * @param runId the run id clients see
 */
public record WorkflowRun(long id, long projectId, String runId, String workflow, int version, JsonObject params,
    String status, Map<String, Long> counts, Instant createdAt, Instant startedAt, Instant finishedAt, Instant scheduledFor,
    WorkflowDefinition definition) {
}
