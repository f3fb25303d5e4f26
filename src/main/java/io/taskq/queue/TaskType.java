package io.taskq.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A registered task type: (name, version) is immutable once registered. {@code maxConcurrency}
 * belongs to the name (every version), is operational and may change; null means no limit.
 */
public record TaskType(
    long id,
    String name,
    String version,
    JsonObject paramSchema,
    int maxAttempts,
    int leaseSeconds,
    boolean active,
    Instant createdAt,
    Instant updatedAt,
    Integer maxConcurrency) {
}
