package io.taskq.support;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting for a condition with a deadline: how tests wait, instead of sleeping a guessed time. */
public final class Poll {

  private static final Duration PAUSE = Duration.ofMillis(10);

  private Poll() {
  }

  public static <T> T until(Supplier<T> probe, Predicate<T> done, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    T value = probe.get();
    while (!done.test(value)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("condition not met within " + timeout + "; last value: " + value);
      }
      LockSupport.parkNanos(PAUSE.toNanos()); // between probes, not a guess at when the condition holds
      value = probe.get();
    }
    return value;
  }
}
