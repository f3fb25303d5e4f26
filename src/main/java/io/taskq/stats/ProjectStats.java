package io.taskq.stats;

import java.util.List;
import java.util.Map;

/**
 * A project's statistics as the counters hold them: its tasks by type, status and attempts, the
 * age in seconds of the oldest claimable task of each type that has one (key null: untyped tasks),
 * and the last 60 minutes of throughput, oldest first.
 */
public record ProjectStats(List<GroupCount> groups, Map<String, Double> oldestClaimableSeconds, List<MinuteThroughput> throughput) {
}
