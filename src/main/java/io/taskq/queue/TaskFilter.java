package io.taskq.queue;

/**
 * Filters of a task listing; null fields do not filter. {@code after} is the keyset cursor. {@code metadata}: only
 * tasks whose metadata contains this object (jsonb {@code @>}); null or empty does not filter.
 */
public record TaskFilter(TaskStatus status, String type, String externalId, String workerId, long after, int limit, Long parentId,
    io.vertx.core.json.JsonObject metadata) {

  public TaskFilter(TaskStatus status, String type, String externalId, String workerId, long after, int limit, Long parentId) {
    this(status, type, externalId, workerId, after, limit, parentId, null);
  }

  public TaskFilter(TaskStatus status, String type, String externalId, String workerId, long after, int limit) {
    this(status, type, externalId, workerId, after, limit, null, null);
  }
}
