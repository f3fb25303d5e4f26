package io.taskq.stats;

import java.time.Instant;

/** Tasks created, claimed, completed and failed for good in the minute that starts at {@code minute}. */
public record MinuteThroughput(Instant minute, long created, long claimed, long completed, long failed) {
}
