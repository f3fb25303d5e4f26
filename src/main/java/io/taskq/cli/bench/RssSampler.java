package io.taskq.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the server process's resident memory (VmRSS in /proc/<pid>/status, Linux) once a
 * second on a thread of its own, and keeps the maximum: overall and since the last
 * {@link #startWindow()}, together with the window's first and latest reading, so that a long
 * run shows whether memory stays steady.
 */
final class RssSampler implements AutoCloseable {

  private final Path status;
  private final AtomicLong overallMaxKb = new AtomicLong(-1);
  private final AtomicLong windowMaxKb = new AtomicLong(-1);
  private final AtomicLong windowFirstKb = new AtomicLong(-1);
  private final AtomicLong latestKb = new AtomicLong(-1);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "bench-rss-sampler");
    thread.setDaemon(true);
    return thread;
  });

  RssSampler(long pid) {
    this.status = Path.of("/proc", Long.toString(pid), "status");
    timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  /** VmRSS in kB from a /proc/<pid>/status text; -1 if absent. */
  static long vmRssKb(String statusText) {
    for (String line : statusText.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        return Long.parseLong(parts[0]);
      }
    }
    return -1;
  }

  private void sample() {
    long kb;
    try {
      kb = vmRssKb(Files.readString(status));
    } catch (IOException | RuntimeException e) {
      return; // the process is gone, or this is not Linux: nothing to sample
    }
    overallMaxKb.accumulateAndGet(kb, Math::max);
    windowMaxKb.accumulateAndGet(kb, Math::max);
    windowFirstKb.compareAndSet(-1, kb);
    latestKb.set(kb);
  }

  void startWindow() {
    windowMaxKb.set(-1);
    windowFirstKb.set(-1);
    sample();
  }

  /** The reading at {@link #startWindow()}; -1 if never read. */
  long windowFirstKb() {
    return windowFirstKb.get();
  }

  /** The latest reading; -1 if never read. */
  long latestKb() {
    return latestKb.get();
  }

  /** The most seen since {@link #startWindow()}, sampling once more now; -1 if never read. */
  long windowMaxKb() {
    sample();
    return windowMaxKb.get();
  }

  long overallMaxKb() {
    return overallMaxKb.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
