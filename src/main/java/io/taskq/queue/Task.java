package io.taskq.queue;

import java.time.Instant;
import java.util.UUID;

/**
 * A task as stored. {@code params} and {@code result} are JSON values (Vert.x JSON types).
 * {@code unmetPrerequisites}: how many links and events still hold the task (above zero only while it is blocked, or
 * after it was cancelled by a failed prerequisite). {@code parentId}: the task's parent, if it is
 * a subtask; {@code completeWhenChildrenDone}: a parent that is never claimed and completes with
 * its children. {@code eventPayloads}: the payloads of the events the task waited on, keyed by
 * event key (a JSON object), or null when it waited on none. {@code metadata}: the client's free JSON object, or
 * null when it has none (an empty object is stored as none).
 */
public record Task(
    long id,
    long projectId,
    String type,
    String typeVersion,
    String title,
    String description,
    Object params,
    int priority,
    TaskStatus status,
    String externalId,
    String milestoneId,
    String dedupeKey,
    Instant runAt,
    int attempts,
    int maxAttempts,
    String workerId,
    UUID leaseId,
    Instant claimedAt,
    Instant leaseExpiresAt,
    Instant completedAt,
    Object result,
    String errorMessage,
    Instant createdAt,
    Instant updatedAt,
    int unmetPrerequisites,
    Long parentId,
    boolean completeWhenChildrenDone,
    Object eventPayloads,
    io.vertx.core.json.JsonObject metadata) {
}
