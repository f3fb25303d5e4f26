package io.taskq.worker;

import java.time.Instant;

/**
 * What taskq knows of one worker id of a project. {@code failed} counts failures the worker
 * reported, {@code expired} leases that lapsed in its hands, {@code released} leases it handed
 * back; {@code successRate} is completed / (completed + failed + expired), null before any
 * attempt ended; {@code avgProcessingMs} is the mean time from claim to completion of its
 * completed attempts, null before the first.
 */
public record WorkerStats(long projectId, String workerId, Instant firstSeenAt, Instant lastSeenAt, boolean active,
    long leasesHeld, long claimed, long completed, long failed, long expired, long released, Double successRate,
    Double avgProcessingMs) {
}
