package io.taskq.coalesce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.taskq.support.Poll;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One statement in flight, a second only once the first has been slow: what arrives while a
 * statement runs waits for it and leaves as one batch, unless the statement outlasts the
 * patience, and then it leaves without it.
 */
class CoalescerPatienceTest {

  private static final long PATIENCE_MS = 300;

  /** Holds every batch until the test answers it. */
  private static final class HeldStatements implements Coalescer.BatchOperation<String, String> {
    final List<List<String>> calls = new CopyOnWriteArrayList<>();
    final List<Long> startedAt = new CopyOnWriteArrayList<>();
    final List<Promise<List<String>>> answers = new CopyOnWriteArrayList<>();

    @Override
    public Future<List<String>> run(List<String> items) {
      calls.add(List.copyOf(items));
      startedAt.add(System.nanoTime());
      Promise<List<String>> answer = Promise.promise();
      answers.add(answer);
      return answer.future();
    }

    void answer(int call) {
      answers.get(call).complete(calls.get(call).stream().map(i -> "ok:" + i).toList());
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HeldStatements statements = new HeldStatements();
  private final Coalescer<String, String> coalescer = new Coalescer<>(statements,
      new Coalescer.InFlight(1, 2, PATIENCE_MS), 1000, i -> 1, null, f -> false);

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** Submits on an event loop, as the HTTP routes do, and answers once the item is queued or running. */
  private Future<String> submitOnEventLoop(String item) {
    Promise<Future<String>> submitted = Promise.promise();
    vertx.runOnContext(v -> submitted.complete(coalescer.submit(item)));
    return submitted.future().await();
  }

  private void awaitCalls(int n) {
    assertEquals(n, Poll.until(statements.calls::size, size -> size >= n, Duration.ofSeconds(10)));
  }

  @Test
  void whatArrivesWhileTheStatementRunsLeavesWithTheNextBatchOnceItAnswers() {
    Future<String> first = submitOnEventLoop("first");
    List<Future<String>> queued = List.of(submitOnEventLoop("a"), submitOnEventLoop("b"), submitOnEventLoop("c"));
    assertEquals(1, statements.calls.size(), "the running statement is not slow yet: the others wait for it");

    statements.answer(0);
    awaitCalls(2);
    assertEquals(List.of("a", "b", "c"), statements.calls.get(1));
    statements.answer(1);
    assertEquals("ok:first", first.await());
    for (Future<String> f : queued) {
      assertTrue(f.await().startsWith("ok:"));
    }
  }

  @Test
  void aStatementThatOutlastsThePatienceNoLongerHoldsBackTheRequestsBehindIt() {
    Future<String> slow = submitOnEventLoop("slow");
    Future<String> behind = submitOnEventLoop("behind");

    awaitCalls(2);
    assertEquals(List.of("behind"), statements.calls.get(1), "a statement of its own, the slow one still running");
    long waited = statements.startedAt.get(1) - statements.startedAt.get(0);
    assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS), "not before the patience: " + waited + " ns");
    assertTrue(!slow.isComplete(), "the slow statement was still running");

    statements.answer(1);
    assertEquals("ok:behind", behind.await());
    // Two in flight at most: while both run, a third item waits whatever the patience.
    Future<String> third = submitOnEventLoop("third");
    statements.answer(0);
    assertEquals("ok:slow", slow.await());
    awaitCalls(3);
    statements.answer(2);
    assertEquals("ok:third", third.await());
  }

  @Test
  void neverMoreThanTheMostInFlightHoweverLongTheyRun() {
    submitOnEventLoop("one");
    submitOnEventLoop("two");
    awaitCalls(2);
    Future<String> waiting = submitOnEventLoop("three");
    // Two patiences more: the timer fires and finds both slots taken.
    Promise<Void> later = Promise.promise();
    vertx.setTimer(2 * PATIENCE_MS, id -> later.complete());
    later.future().await();
    assertEquals(2, statements.calls.size());
    assertTrue(!waiting.isComplete());
    statements.answer(1);
    awaitCalls(3);
    assertEquals(List.of("three"), statements.calls.get(2));
  }
}
