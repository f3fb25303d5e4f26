package io.taskq.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Filters of a task listing; null fields do not filter. {@code after} is the keyset cursor of an
 * id-ordered listing. {@code runId} is a run's run_id (not its internal number);
 * {@code createdAfter} and {@code createdBefore} are exclusive, {@code priorityMin} inclusive.
 * {@code metadata}: only tasks whose metadata contains this object (jsonb {@code @>}); null or
 * empty does not filter.
 */
public record TaskFilter(TaskStatus status, String type, String externalId, String workerId, long after, int limit, Long parentId,
    String runId, Instant createdAfter, Instant createdBefore, Integer priorityMin, JsonObject metadata) {

  public TaskFilter(TaskStatus status, String type, String externalId, String workerId, long after, int limit) {
    this(status, type, externalId, workerId, after, limit, null, null, null, null, null, null);
  }
}
