package io.taskq.worker;

import java.time.Instant;

/** A worker id seen by this instance at a time (a claim, even one that found nothing; a heartbeat; a release). */
public record Sighting(long projectId, String workerId, Instant at) {
}
