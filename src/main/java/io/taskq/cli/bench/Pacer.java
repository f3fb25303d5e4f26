package io.taskq.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Start slots shared by every worker of a run, so that together they start at most {@code rate}
 * cycles a second. Each cycle takes the next slot, {@code max(now, last + 1 s / rate)}, and
 * waits for it with a timer on its own event loop. A slot is never set in the past: a worker
 * that finds the schedule behind starts at once, and the slots it missed are gone, so a server
 * that cannot keep up gets the workers' closed-loop pace, not a burst to catch up, and the
 * shortfall shows in the tasks per second.
 */
final class Pacer {

  private static final long NONE = Long.MIN_VALUE;
  /** Vert.x timers count whole milliseconds: a slot closer than half of one starts at once. */
  private static final long ROUND_TO_NOW_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  private final long intervalNanos;
  private final AtomicLong lastSlot = new AtomicLong(NONE);

  Pacer(int ratePerSecond) {
    if (ratePerSecond <= 0) {
      throw new IllegalArgumentException("a pacer needs a rate above 0, got " + ratePerSecond);
    }
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
  }

  long intervalNanos() {
    return intervalNanos;
  }

  /** Takes the next start slot on the System.nanoTime clock; {@code now} is the caller's reading of it. */
  long nextSlot(long now) {
    while (true) {
      long last = lastSlot.get();
      long slot = last == NONE ? now : Math.max(now, last + intervalNanos);
      if (lastSlot.compareAndSet(last, slot)) {
        return slot;
      }
    }
  }

  /**
   * Takes a slot and completes when it comes, on the caller's event loop (a timer: nothing
   * sleeps). A slot at or past {@code deadlineNanos} completes at the deadline with false:
   * the run is over by then, and the worker must not start a cycle.
   */
  Future<Boolean> awaitSlot(Vertx vertx, long deadlineNanos) {
    long now = System.nanoTime();
    long slot = nextSlot(now);
    if (slot >= deadlineNanos) {
      // Rounded up: a worker woken before the deadline would find the run still open and take slot after slot at once.
      long ms = (long) Math.ceil((deadlineNanos - now) / 1e6);
      return ms <= 0 ? Future.succeededFuture(false) : vertx.timer(ms).map(v -> false);
    }
    long wait = slot - now;
    if (wait < ROUND_TO_NOW_NANOS) {
      return Future.succeededFuture(true);
    }
    return vertx.timer(Math.max(1, Math.round(wait / 1e6))).map(v -> true);
  }
}
