package io.taskq.worker;

import java.time.Instant;
import java.util.UUID;

/** A lease a worker holds, as a heartbeat left it. */
public record HeldLease(long taskId, UUID leaseId, Instant leaseExpiresAt) {
}
