package io.taskq.queue;

/** Filters of a task listing; null fields do not filter. {@code after} is the keyset cursor. */
public record TaskFilter(TaskStatus status, String type, String externalId, String workerId, long after, int limit, Long parentId) {

  public TaskFilter(TaskStatus status, String type, String externalId, String workerId, long after, int limit) {
    this(status, type, externalId, workerId, after, limit, null);
  }
}
