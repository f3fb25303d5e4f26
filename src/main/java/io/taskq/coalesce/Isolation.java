package io.taskq.coalesce;

import io.taskq.coalesce.Coalescer.BatchOperation;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Keeps one item's fault from failing the other items of its batch. When a batch statement is
 * refused for the content of its items (a value the database cannot hold), nothing was written,
 * and the batch is split in halves that run again, each half splitting again while it is
 * refused, until each refused item stands alone and gets its own failure; the others get their
 * own outcome from the half that held them.
 *
 * <p>Halves, not every item alone: one bad item among n costs about 2 log2(n) statements
 * (13 for 64, 21 for 1,000) instead of n, so a client that slips a bad item into every batch
 * cannot multiply the database's work by the batch size; the good items still leave together.
 * The halves run one after the other, so a refused batch holds one statement at a time (and the
 * operation may run on one connection, as a probe inside a transaction does).
 *
 * <p>Any other failure (a lost connection, the database unavailable, a bug) is never retried
 * here: the statement may have committed, and running it again item by item could apply it
 * twice; every item of that batch gets the failure.
 */
public final class Isolation<I, O> {

  private final BatchOperation<I, O> operation;
  private final Predicate<Throwable> refusedForContent;

  /** @param refusedForContent whether a batch's failure says the database refused its items' content (null: never split) */
  public Isolation(BatchOperation<I, O> operation, Predicate<Throwable> refusedForContent) {
    this.operation = operation;
    this.refusedForContent = refusedForContent;
  }

  /** Whether a failed batch of more than one item is split rather than failed whole. */
  private boolean splits(List<I> items, Throwable failure) {
    return items.size() > 1 && refusedForContent != null && refusedForContent.test(failure);
  }

  /** One result per item, in order: the batch's outcome when it runs, or each part's. Never fails. */
  public Future<List<AsyncResult<O>>> run(List<I> items) {
    return attempt(items).transform(ar -> ar.succeeded()
        ? Future.succeededFuture(each(ar.result()))
        : afterFailure(items, ar.cause()));
  }

  /** One result per item of a batch that failed as a whole with {@code failure}. Never fails. */
  private Future<List<AsyncResult<O>>> afterFailure(List<I> items, Throwable failure) {
    if (!splits(items, failure)) {
      List<AsyncResult<O>> failed = new ArrayList<>(items.size());
      items.forEach(i -> failed.add(Future.failedFuture(failure)));
      return Future.succeededFuture(failed);
    }
    int half = items.size() / 2;
    return run(items.subList(0, half)).compose(left -> run(items.subList(half, items.size())).map(right -> {
      List<AsyncResult<O>> all = new ArrayList<>(items.size());
      all.addAll(left);
      all.addAll(right);
      return all;
    }));
  }

  private Future<List<O>> attempt(List<I> items) {
    try {
      return operation.run(items);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static <O> List<AsyncResult<O>> each(List<O> outcomes) {
    List<AsyncResult<O>> results = new ArrayList<>(outcomes.size());
    outcomes.forEach(o -> results.add(Future.succeededFuture(o)));
    return results;
  }
}
