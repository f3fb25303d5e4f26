package io.taskq.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A task as a client asked for it, well-formed but not yet checked against its type.
 * Null fields were not given; {@code dependsOn} is empty when not given.
 */
public record TaskDraft(
    String type,
    Integer typeVersion,
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
    List<Prerequisite> dependsOn) {

  /** Whether the task waits on anything, or is linked to anything: then it is created as a graph of one. */
  public boolean hasLinks() {
    return !dependsOn.isEmpty();
  }
}
