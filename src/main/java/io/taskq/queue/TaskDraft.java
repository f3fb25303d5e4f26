package io.taskq.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A task as a client asked for it, well-formed but not yet checked against its type.
 * Null fields were not given.
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
    Integer maxAttempts) {
}
