package io.taskq.config;

/**
 * Exponential backoff with jitter for retryable failures: the n-th attempt's retry waits
 * {@code min(cap, base * 2^(n-1))} seconds, shortened by up to {@code jitter} of itself at random
 * so that tasks failed together do not come back together. The formula is evaluated inside
 * the fail statement (see {@code TaskSql.FAIL}), where the attempt count is; this record holds
 * its parameters and the same formula for reasoning and tests.
 *
 * @param baseSeconds delay after the first attempt
 * @param capSeconds the longest delay
 * @param jitter fraction of the delay taken off at random, 0..1
 */
public record RetryPolicy(double baseSeconds, double capSeconds, double jitter) {

  public static final RetryPolicy DEFAULT = new RetryPolicy(2, 3600, 0.25);

  public RetryPolicy {
    if (!(baseSeconds >= 0) || !(capSeconds >= baseSeconds) || !(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("retry policy needs 0 <= base <= cap and 0 <= jitter <= 1");
    }
  }

  /** The delay before attempt {@code attempt + 1}, given a uniform random number {@code u} in [0, 1). */
  public double delaySeconds(int attempt, double u) {
    double exponential = baseSeconds * Math.pow(2, Math.max(0, attempt - 1));
    return Math.min(capSeconds, exponential) * (1 - jitter * u);
  }
}
