package io.taskq.reliability;

import java.util.Arrays;

/** Latency samples of a test, in nanoseconds; recorded from any thread. */
final class Latencies {

  private long[] samples = new long[1 << 16];
  private int count;

  synchronized void record(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
  }

  synchronized int count() {
    return count;
  }

  /** The {@code p}-th percentile (0..100) in milliseconds; 0 without samples. */
  synchronized double percentileMs(double p) {
    if (count == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int index = (int) Math.min(count - 1, Math.max(0, Math.ceil(p / 100.0 * count) - 1));
    return sorted[index] / 1e6;
  }

  /** Forgets the samples (for the next window). */
  synchronized Latencies drain() {
    Latencies window = new Latencies();
    window.samples = Arrays.copyOf(samples, Math.max(1, count));
    window.count = count;
    count = 0;
    return window;
  }
}
