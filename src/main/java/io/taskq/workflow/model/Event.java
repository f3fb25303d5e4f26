package io.taskq.workflow.model;

import java.time.Instant;

/**
 * An external event as stored: one per project and key, kept until {@code expiresAt}.
 * {@code payload} is a JSON value (Vert.x JSON types), or null when none was sent.
 */
public record Event(long projectId, String key, Object payload, Instant receivedAt, Instant expiresAt) {
}
