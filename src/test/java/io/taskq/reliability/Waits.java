package io.taskq.reliability;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polling with a deadline, like support/Poll, for probes too costly to run every 10 ms (a
 * count over tens of thousands of rows): the pause between probes is the caller's.
 */
final class Waits {

  private Waits() {
  }

  static <T> T until(Supplier<T> probe, Predicate<T> done, Duration timeout, Duration pause) {
    Instant deadline = Instant.now().plus(timeout);
    T value = probe.get();
    while (!done.test(value)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("condition not met within " + timeout + "; last value: " + value);
      }
      LockSupport.parkNanos(pause.toNanos());
      value = probe.get();
    }
    return value;
  }
}
