package io.taskq.queue;

import java.time.Instant;

public record Project(long id, String name, Instant createdAt, Instant updatedAt) {
}
