package io.taskq.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A task as a client asked for it, well-formed but not yet checked against its type.
 * Null fields were not given; {@code dependsOn} is empty when not given. {@code parentId} names
 * an existing task as the parent, {@code parentRef} another item of the same request (by its
 * external id); giving both is refused once the project is known to exist. {@code metadata} null: none
 * (an empty object is none too).
 */
public record TaskDraft(
    String type,
    String typeVersion,
    String title,
    String description,
    JsonObject params,
    Integer priority,
    String externalId,
    String milestoneId,
    boolean dedupe,
    String dedupeKey,
    Instant runAt,
    Integer maxAttempts,
    List<Prerequisite> dependsOn,
    Long parentId,
    String parentRef,
    boolean completeWhenChildrenDone,
    JsonObject metadata) {

  /** A task without metadata. */
  public TaskDraft(String type, String typeVersion, String title, String description, JsonObject params, Integer priority,
      String externalId, String milestoneId, boolean dedupe, String dedupeKey, Instant runAt, Integer maxAttempts,
      List<Prerequisite> dependsOn, Long parentId, String parentRef, boolean completeWhenChildrenDone) {
    this(type, typeVersion, title, description, params, priority, externalId, milestoneId, dedupe, dedupeKey, runAt, maxAttempts,
        dependsOn, parentId, parentRef, completeWhenChildrenDone, null);
  }

  /** A task that is no subtask and no parent that completes with its children. */
  public TaskDraft(String type, String typeVersion, String title, String description, JsonObject params, Integer priority,
      String externalId, String milestoneId, boolean dedupe, String dedupeKey, Instant runAt, Integer maxAttempts,
      List<Prerequisite> dependsOn) {
    this(type, typeVersion, title, description, params, priority, externalId, milestoneId, dedupe, dedupeKey, runAt, maxAttempts,
        dependsOn, null, null, false, null);
  }

  /** Whether the task waits on anything, or is linked to anything: then it is created as a graph of one. */
  public boolean hasLinks() {
    return !dependsOn.isEmpty() || parentId != null || parentRef != null || completeWhenChildrenDone;
  }
}
