package io.taskq.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A task to create, validated and resolved against its type (version, defaults, dedupe key).
 * {@code runAt} null means now, in the database's clock. {@code metadata} null: none. An untyped task has a null
 * type and typeVersion.
 */
public record NewTask(
    String type,
    String typeVersion,
    String title,
    String description,
    JsonObject params,
    int priority,
    String externalId,
    String milestoneId,
    String dedupeKey,
    Instant runAt,
    int maxAttempts,
    int leaseSeconds,
    JsonObject metadata) {

  /** A task without metadata. */
  public NewTask(String type, String typeVersion, String title, String description, JsonObject params, int priority,
      String externalId, String milestoneId, String dedupeKey, Instant runAt, int maxAttempts, int leaseSeconds) {
    this(type, typeVersion, title, description, params, priority, externalId, milestoneId, dedupeKey, runAt, maxAttempts,
        leaseSeconds, null);
  }
}
