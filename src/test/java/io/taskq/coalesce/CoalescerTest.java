package io.taskq.coalesce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coalescer's isolation policy with a fake batch operation: a batch refused for an item's
 * content is split until the refused item stands alone; any other failure is never retried.
 */
class CoalescerTest {

  /** What the fake database answers for content it refuses. */
  private static final class Refused extends RuntimeException {
    Refused() {
      super("refused", null, false, false);
    }
  }

  /** A batch operation that refuses any batch holding a "bad" item, loses its connection on "down", and holds its first batch until released. */
  private static final class FakeStatements implements Coalescer.BatchOperation<String, String> {
    final List<List<String>> calls = new ArrayList<>();
    final Map<String, Integer> applied = new HashMap<>();
    final Promise<List<String>> first = Promise.promise();
    final RuntimeException connectionLost = new IllegalStateException("connection closed");

    @Override
    public Future<List<String>> run(List<String> items) {
      calls.add(List.copyOf(items));
      if (calls.size() == 1) {
        items.forEach(i -> applied.merge(i, 1, Integer::sum));
        return first.future();
      }
      if (items.stream().anyMatch(i -> i.startsWith("bad"))) {
        return Future.failedFuture(new Refused());
      }
      if (items.contains("down")) {
        return Future.failedFuture(connectionLost);
      }
      items.forEach(i -> applied.merge(i, 1, Integer::sum));
      return Future.succeededFuture(items.stream().map(i -> "ok:" + i).toList());
    }
  }

  private final FakeStatements statements = new FakeStatements();
  private final Coalescer<String, String> coalescer = new Coalescer<>(statements, 1, 1000, i -> 1, null, f -> f instanceof Refused);

  /** Submits an opener that holds the only statement slot, then {@code items}, which queue up as one batch; then lets the opener go. */
  private List<Future<String>> queuedBehindOpener(List<String> items) {
    Future<String> opener = coalescer.submit("opener");
    List<Future<String>> answers = items.stream().map(coalescer::submit).toList();
    statements.first.complete(List.of("ok:opener"));
    assertEquals("ok:opener", opener.result());
    return answers;
  }

  private static List<String> items(int n, int badAt) {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(i == badAt ? "bad" + i : "v" + i);
    }
    return items;
  }

  @Test
  void aBatchTheDatabaseTakesCostsOneStatement() {
    List<Future<String>> answers = queuedBehindOpener(items(64, -1));

    assertEquals(2, statements.calls.size(), "the opener's statement and one for the 64 queued items");
    assertEquals(64, statements.calls.get(1).size());
    for (int i = 0; i < 64; i++) {
      assertEquals("ok:v" + i, answers.get(i).result());
    }
  }

  @Test
  void aRefusedItemFailsAloneAndEveryOtherItemIsAppliedOnceInFewStatements() {
    List<String> items = items(64, 37);
    List<Future<String>> answers = queuedBehindOpener(items);

    for (int i = 0; i < 64; i++) {
      if (i == 37) {
        assertTrue(answers.get(i).cause() instanceof Refused, "the refused item gets the refusal");
      } else {
        assertEquals("ok:v" + i, answers.get(i).result(), "item " + i);
        assertEquals(1, statements.applied.get("v" + i), "item " + i + " applied once");
      }
    }
    // One refused among 64: the whole, then two halves per level down to the item (2 x 6).
    assertTrue(statements.calls.size() - 1 <= 1 + 2 * 6, "statements after the opener: " + (statements.calls.size() - 1));
    assertTrue(coalescer.idle(), "the split batch gave back its place");
  }

  @Test
  void severalRefusedItemsEachFailAloneAndTheRestSucceed() {
    List<String> items = items(20, 0);
    items.set(19, "bad19");
    items.set(10, "bad10");
    List<Future<String>> answers = queuedBehindOpener(items);

    for (int i = 0; i < 20; i++) {
      boolean bad = i == 0 || i == 10 || i == 19;
      assertEquals(bad, answers.get(i).failed(), "item " + i);
    }
  }

  @Test
  void aFailureOtherThanARefusalIsNeverRetriedItemByItem() {
    List<String> items = items(16, -1);
    items.set(5, "down");
    List<Future<String>> answers = queuedBehindOpener(items);

    assertEquals(2, statements.calls.size(), "the failed statement may have committed: it is not run again");
    answers.forEach(a -> assertSame(statements.connectionLost, a.cause()));
    assertTrue(coalescer.idle());
  }

  @Test
  void isolationAloneAnswersEachItemOfARefusedBatch() {
    FakeStatements direct = new FakeStatements();
    direct.first.fail(new Refused());
    Isolation<String, String> isolation = new Isolation<>(direct, f -> f instanceof Refused);

    var results = isolation.run(List.of("v0", "bad1", "v2", "v3")).result();

    assertEquals(List.of(true, false, true, true), results.stream().map(r -> r.succeeded()).toList());
    assertEquals("ok:v3", results.get(3).result());
  }

  @Test
  void aRequestsItemsSubmittedTogetherLeaveInOneStatementWhenNothingRuns() {
    List<Future<String>> answers = coalescer.submitAll(items(3, -1));

    assertEquals(List.of(List.of("v0", "v1", "v2")), statements.calls,
        "one statement for the three items (submitted one by one, the first would have gone out alone)");
    statements.first.complete(List.of("ok:v0", "ok:v1", "ok:v2"));
    assertEquals(List.of("ok:v0", "ok:v1", "ok:v2"), answers.stream().map(Future::result).toList());
  }

  @Test
  void requestsQueuedBehindARunningStatementShareTheNext() {
    Future<String> opener = coalescer.submit("opener");
    List<Future<String>> first = coalescer.submitAll(List.of("a1", "a2"));
    List<Future<String>> second = coalescer.submitAll(List.of("b1", "b2"));
    statements.first.complete(List.of("ok:opener"));

    assertEquals("ok:opener", opener.result());
    assertEquals(List.of(List.of("opener"), List.of("a1", "a2", "b1", "b2")), statements.calls);
    assertEquals(List.of("ok:a1", "ok:a2"), first.stream().map(Future::result).toList());
    assertEquals(List.of("ok:b1", "ok:b2"), second.stream().map(Future::result).toList());
  }
}
