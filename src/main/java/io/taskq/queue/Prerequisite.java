package io.taskq.queue;

/**
 * One entry of a task's {@code depends_on}, as the client named it: an existing task by id or by
 * external id, another item of the same bulk request by its external id ({@code ref}), or an
 * external event by key. Exactly one of {@code taskId} and {@code key} is set.
 */
public record Prerequisite(Kind kind, Long taskId, String key, LinkType type) {

  public enum Kind {
    TASK_ID("task_id"), EXTERNAL_ID("external_id"), REF("ref"), EVENT("event");

    private final String field;

    Kind(String field) {
      this.field = field;
    }

    /** The member of the depends_on entry that names the prerequisite. */
    public String field() {
      return field;
    }
  }
}
