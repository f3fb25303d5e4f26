package io.taskq.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A registered task type: (name, version) is immutable once registered. */
public record TaskType(
    long id,
    String name,
    int version,
    JsonObject paramSchema,
    int maxAttempts,
    int leaseSeconds,
    boolean active,
    Instant createdAt,
    Instant updatedAt) {
}
