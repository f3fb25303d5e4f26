package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class AdmissionTest {

  /** Work that records its start and ends when the test says so. */
  private static final class Work implements Supplier<Future<?>> {
    final String name;
    final List<String> started;
    final Promise<Void> end = Promise.promise();

    Work(String name, List<String> started) {
      this.name = name;
      this.started = started;
    }

    @Override
    public Future<?> get() {
      started.add(name);
      return end.future();
    }
  }

  @Test
  void workRunsAtOnceWhileThereIsRoom() {
    Admission admission = new Admission(2);
    List<String> started = new ArrayList<>();
    admission.submit(new Work("a", started));
    admission.submit(new Work("b", started));
    assertEquals(List.of("a", "b"), started);
    assertEquals(0, admission.waiting());
  }

  @Test
  void workBeyondTheLimitWaitsItsTurnInArrivalOrder() {
    Admission admission = new Admission(1);
    List<String> started = new ArrayList<>();
    Work a = new Work("a", started);
    Work b = new Work("b", started);
    Work c = new Work("c", started);
    Future<Void> doneA = admission.submit(a);
    admission.submit(b);
    Future<Void> doneC = admission.submit(c);
    assertEquals(List.of("a"), started);
    assertEquals(2, admission.waiting());

    a.end.complete();
    assertTrue(doneA.succeeded());
    assertEquals(List.of("a", "b"), started);
    assertEquals(1, admission.waiting());

    b.end.fail(new IllegalStateException("b failed"));
    assertEquals(List.of("a", "b", "c"), started, "work that fails frees its room too");
    c.end.complete();
    assertTrue(doneC.succeeded());
    assertEquals(0, admission.waiting());
  }

  @Test
  void workThatThrowsFailsItsAnswerAndFreesItsRoom() {
    Admission admission = new Admission(1);
    List<String> started = new ArrayList<>();
    Future<Void> thrown = admission.submit(() -> {
      throw new IllegalArgumentException("bad body");
    });
    assertTrue(thrown.failed());
    assertEquals("bad body", thrown.cause().getMessage());
    admission.submit(new Work("next", started));
    assertEquals(List.of("next"), started);
  }

  @Test
  void workThatThrowsAnErrorOrAnswersNoFutureStillFreesItsRoom() {
    Admission admission = new Admission(1);
    List<String> started = new ArrayList<>();
    Future<Void> error = admission.submit(() -> {
      throw new OutOfMemoryError("simulated");
    });
    Future<Void> nothing = admission.submit(() -> null);
    admission.submit(new Work("next", started));
    assertTrue(error.failed());
    assertTrue(nothing.failed());
    assertEquals(List.of("next"), started);
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Admission(0));
    assertThrows(IllegalArgumentException.class, () -> new Admission(2, 0));
  }

  @Test
  void workWaitsWhileItsWeightDoesNotFitTheBudgetEvenUnderTheCountLimit() {
    Admission admission = new Admission(2, 100);
    List<String> started = new ArrayList<>();
    Work a = new Work("a", started);
    admission.submit(60, a);
    admission.submit(60, new Work("b", started));
    assertEquals(List.of("a"), started, "60 + 60 is over the budget of 100");
    a.end.complete();
    assertEquals(List.of("a", "b"), started);
  }

  @Test
  void lightWorkDoesNotOvertakeHeavyWorkThatWaits() {
    Admission admission = new Admission(3, 100);
    List<String> started = new ArrayList<>();
    Work a = new Work("a", started);
    admission.submit(50, a);
    admission.submit(80, new Work("heavy", started));
    admission.submit(10, new Work("light", started));
    assertEquals(List.of("a"), started, "the light one would fit, but waits behind the heavy one");
    a.end.complete();
    assertEquals(List.of("a", "heavy", "light"), started, "both fit once the first has ended, and start in arrival order");
  }

  @Test
  void workHeavierThanTheWholeBudgetRunsOnceAlone() {
    Admission admission = new Admission(2, 100);
    List<String> started = new ArrayList<>();
    Work a = new Work("a", started);
    Work huge = new Work("huge", started);
    admission.submit(10, a);
    admission.submit(500, huge);
    admission.submit(10, new Work("after", started));
    assertEquals(List.of("a"), started);
    a.end.complete();
    assertEquals(List.of("a", "huge"), started, "alone, it runs");
    huge.end.complete();
    assertEquals(List.of("a", "huge", "after"), started);
    assertEquals(0, admission.waiting());
  }

  @Test
  void waitingWorkRunsOnTheContextThatSubmittedIt(Vertx vertx, VertxTestContext test) {
    Admission admission = new Admission(1);
    Context first = vertx.getOrCreateContext();
    Context second = vertx.getOrCreateContext();
    Promise<Void> firstEnds = Promise.promise();
    first.runOnContext(v -> {
      admission.submit(firstEnds::future);
      second.runOnContext(w -> {
        admission.submit(() -> {
          test.verify(() -> assertSame(second, Vertx.currentContext()));
          test.completeNow();
          return Future.succeededFuture();
        });
        first.runOnContext(x -> firstEnds.complete());
      });
    });
  }
}
