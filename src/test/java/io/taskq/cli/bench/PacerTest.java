package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PacerTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void slotsFollowOneAnotherAtTheRatesInterval() {
    Pacer pacer = new Pacer(1_000);
    assertEquals(100 * MS, pacer.nextSlot(100 * MS), "the first slot is now");
    assertEquals(101 * MS, pacer.nextSlot(100 * MS));
    assertEquals(102 * MS, pacer.nextSlot(100 * MS));
    assertEquals(103 * MS, pacer.nextSlot(101 * MS), "ahead of the clock: the next slot after the last");
  }

  /** A server that cannot keep up gets the workers' own pace, not a burst of the slots it missed. */
  @Test
  void aScheduleThatFellBehindStartsAtOnceAndForgetsTheSlotsItMissed() {
    Pacer pacer = new Pacer(1_000);
    pacer.nextSlot(0);
    assertEquals(50 * MS, pacer.nextSlot(50 * MS));
    assertEquals(51 * MS, pacer.nextSlot(50 * MS), "one interval after the late start, not at once again");
  }

  @Test
  void workersOnSeveralThreadsNeverShareASlot() throws Exception {
    Pacer pacer = new Pacer(1_000_000);
    List<Thread> threads = new ArrayList<>();
    Set<Long> slots = java.util.Collections.synchronizedSet(new HashSet<>());
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          slots.add(pacer.nextSlot(0));
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(40_000, slots.size());
    assertEquals(39_999 * pacer.intervalNanos(), slots.stream().mapToLong(Long::longValue).max().orElseThrow());
  }

  /** 20 cycles at 100 a second take at least 190 ms, waited for with timers on the event loop. */
  @Test
  void cyclesOnAnEventLoopWaitForTheirSlots() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pacer pacer = new Pacer(100);
      long t0 = System.nanoTime();
      Promise<Integer> done = Promise.promise();
      vertx.runOnContext(v -> takeSlots(vertx, pacer, 20, 0, done));
      int started = Await.result(done.future(), Duration.ofSeconds(10));
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(20, started);
      assertTrue(elapsedMs >= 185, "20 slots 10 ms apart took " + elapsedMs + " ms");
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    }
  }

  @Test
  void aSlotAtOrPastTheDeadlineIsNotStartedAndWaitsOnlyForTheDeadline() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pacer pacer = new Pacer(1);
      long deadline = System.nanoTime() + 200 * MS;
      assertTrue(Await.result(onContext(vertx, () -> pacer.awaitSlot(vertx, deadline)), Duration.ofSeconds(5)), "the first slot is now");
      long t0 = System.nanoTime();
      assertFalse(Await.result(onContext(vertx, () -> pacer.awaitSlot(vertx, deadline)), Duration.ofSeconds(5)),
          "the next slot, a second later, is past the deadline");
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(waitedMs < 900, "waited for the deadline, not for the slot: " + waitedMs + " ms");
      assertTrue(System.nanoTime() >= deadline, "returned at the deadline, not before: the run is over when the worker looks");
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    }
  }

  @Test
  void aRateOfZeroIsNoPace() {
    assertThrows(IllegalArgumentException.class, () -> new Pacer(0));
  }

  private static void takeSlots(Vertx vertx, Pacer pacer, int left, int started, Promise<Integer> done) {
    if (left == 0) {
      done.complete(started);
      return;
    }
    pacer.awaitSlot(vertx, Long.MAX_VALUE).onSuccess(inTime -> takeSlots(vertx, pacer, left - 1, started + (inTime ? 1 : 0), done));
  }

  private static <T> Future<T> onContext(Vertx vertx, java.util.function.Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    vertx.runOnContext(v -> action.get().onComplete(result));
    return result.future();
  }
}
