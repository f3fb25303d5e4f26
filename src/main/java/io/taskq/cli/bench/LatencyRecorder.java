package io.taskq.cli.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Latency samples of one run, in nanoseconds, in an array allocated once: recording is an
 * atomic increment and a store, so that measuring costs the generator next to nothing and
 * nothing is allocated while requests fly. Safe for the generator's event loops to record
 * at once; read the summary only after every worker has finished.
 */
final class LatencyRecorder {

  /** 5M samples (40 MB) outlast a 10 s window at 500k requests/s, far more than one machine serves. */
  static final int DEFAULT_CAPACITY = 5_000_000;

  private final long[] samples;
  private final AtomicInteger next = new AtomicInteger();

  LatencyRecorder(int capacity) {
    this.samples = new long[capacity];
  }

  void record(long nanos) {
    int i = next.getAndIncrement();
    if (i < samples.length) {
      samples[i] = nanos;
    }
  }

  /** Once full, workers stop: a run is bounded in requests as well as in time. */
  boolean full() {
    return next.get() >= samples.length;
  }

  int count() {
    return Math.min(next.get(), samples.length);
  }

  /** Forgets the samples so the array serves the next run. */
  void reset() {
    next.set(0);
  }

  /** Sorts the samples in place and reads the percentiles. */
  LatencySummary summarize() {
    int n = count();
    Arrays.sort(samples, 0, n);
    return LatencySummary.ofSorted(samples, n);
  }
}
