package io.taskq.cli.bench;

import io.vertx.core.json.JsonObject;

/** Percentiles of a run's latencies, in milliseconds; all zero when nothing was recorded. */
record LatencySummary(int count, double p50Ms, double p95Ms, double p99Ms, double maxMs) {

  static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0);

  /** From the first {@code n} values of {@code sorted}, ascending nanoseconds. */
  static LatencySummary ofSorted(long[] sorted, int n) {
    if (n == 0) {
      return EMPTY;
    }
    return new LatencySummary(n, millis(percentile(sorted, n, 50)), millis(percentile(sorted, n, 95)),
        millis(percentile(sorted, n, 99)), millis(sorted[n - 1]));
  }

  /**
   * Nearest rank: the smallest sample that at least {@code p} percent of the samples do not
   * exceed. It is always an observed value, never an interpolation between two.
   */
  static long percentile(long[] sorted, int n, double p) {
    int rank = (int) Math.ceil(p / 100.0 * n);
    return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  JsonObject toJson() {
    return new JsonObject().put("samples", count).put("p50_ms", p50Ms).put("p95_ms", p95Ms)
        .put("p99_ms", p99Ms).put("max_ms", maxMs);
  }
}
