package io.taskq.coalesce;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Turns concurrent requests into batches without waiting for a batch to fill: an item submitted
 * while fewer than {@code maxInFlight} batches run goes out at once, alone if need be; items
 * that arrive while the statements are busy queue up and leave together in the next batch. So a
 * lone request is never delayed, and under load one statement serves many requests (natural
 * batching, as in group commit).
 *
 * <p>Items are thread-safe to submit from any event loop; each answer is delivered on the
 * context that submitted it.
 *
 * <p>How many statements run at once: {@code eagerInFlight} at once always; more, up to
 * {@code maxInFlight}, only once every running statement has run longer than the patience. So
 * in the normal case one statement runs and the next batch gathers everything that arrives
 * meanwhile (fewer, larger statements: each carries a fixed cost in PostgreSQL, its triggers and
 * its commit, and in the client), while a statement that takes unusually long (a completion
 * releasing thousands of dependents, a stalled connection) does not hold back the requests
 * behind it for more than the patience.
 *
 * <p>Requests that share a statement must not share its faults: a batch refused for the content
 * of its items is split until each refused item stands alone ({@link Isolation}), so a bad item
 * fails its own request only. A batch that succeeds costs its one statement, as before.
 *
 * @param <I> an item of work
 * @param <O> its outcome; the batch operation answers one outcome per item, in order
 */
public final class Coalescer<I, O> {

  /** The operation a batch runs: one outcome per item, in the items' order. */
  public interface BatchOperation<I, O> {
    Future<List<O>> run(List<I> items);
  }

  private record Pending<I, O>(I item, Promise<O> promise, Context context) {
  }

  private final Object lock = new Object();
  private final ArrayDeque<Pending<I, O>> waiting = new ArrayDeque<>();
  private final Isolation<I, O> isolation;
  private final int eagerInFlight;
  private final int maxInFlight;
  private final long patienceNanos;
  private final int maxWeight;
  private final ToIntFunction<I> weight;
  private final Function<I, Object> identity;
  /** When each running batch started (System.nanoTime), in start order. */
  private final ArrayDeque<Long> runningSince = new ArrayDeque<>();
  private int inFlight;
  private boolean wakeUpSet;

  /**
   * @param maxInFlight batches running at once
   * @param maxWeight the most a batch may weigh (an item heavier than this still goes, alone)
   * @param weight an item's weight (a claim: its limit)
   * @param identity items with equal identity never share a batch (null: no such rule)
   * @param refusedForContent whether a batch's failure means the database refused some item's
   *     content (then the batch is split so that only that item's request fails)
   */
  public Coalescer(BatchOperation<I, O> operation, int maxInFlight, int maxWeight, ToIntFunction<I> weight,
      Function<I, Object> identity, Predicate<Throwable> refusedForContent) {
    this(operation, new InFlight(maxInFlight, maxInFlight, 0), maxWeight, weight, identity, refusedForContent);
  }

  /**
   * @param inFlight how many batches run at once, and when more may start
   * @param maxWeight the most a batch may weigh (an item heavier than this still goes, alone)
   * @param weight an item's weight (a claim: its limit)
   * @param identity items with equal identity never share a batch (null: no such rule)
   * @param refusedForContent whether a batch's failure means the database refused some item's
   *     content (then the batch is split so that only that item's request fails)
   */
  public Coalescer(BatchOperation<I, O> operation, InFlight inFlight, int maxWeight, ToIntFunction<I> weight,
      Function<I, Object> identity, Predicate<Throwable> refusedForContent) {
    this.isolation = new Isolation<>(operation, refusedForContent);
    this.eagerInFlight = inFlight.eager();
    this.maxInFlight = inFlight.max();
    this.patienceNanos = TimeUnit.MILLISECONDS.toNanos(inFlight.patienceMillis());
    this.maxWeight = maxWeight;
    this.weight = weight;
    this.identity = identity;
  }

  /**
   * Batches in flight: up to {@code eager} start as soon as there is work; up to {@code max} when
   * every running batch has run longer than {@code patienceMillis}.
   */
  public record InFlight(int eager, int max, long patienceMillis) {
    public InFlight {
      if (eager < 1 || max < eager || patienceMillis < 0) {
        throw new IllegalArgumentException("in flight: 1 <= eager <= max, patience >= 0");
      }
    }
  }

  public Future<O> submit(I item) {
    return submitAll(List.of(item)).get(0);
  }

  /**
   * Submits a request's items together: they queue as one run, so the request leaves in as few
   * batches as fit (submitted one by one, its first item would go out alone while the others
   * waited for the next batch). One answer per item, in order.
   */
  public List<Future<O>> submitAll(List<I> items) {
    List<Future<O>> answers = new ArrayList<>(items.size());
    Context context = Vertx.currentContext();
    synchronized (lock) {
      for (I item : items) {
        Promise<O> promise = Promise.promise();
        waiting.add(new Pending<>(item, promise, context));
        answers.add(promise.future());
      }
    }
    drain();
    return answers;
  }

  /** Whether nothing waits or runs (for the owner's bookkeeping). */
  public boolean idle() {
    synchronized (lock) {
      return inFlight == 0 && waiting.isEmpty();
    }
  }

  private void drain() {
    while (true) {
      List<Pending<I, O>> batch;
      long startedAt = System.nanoTime();
      long wakeUpInNanos = 0;
      Context wakeUpOn = null;
      synchronized (lock) {
        if (waiting.isEmpty() || inFlight >= maxInFlight) {
          return;
        }
        long patienceLeft = inFlight < eagerInFlight ? 0 : runningSince.peekLast() + patienceNanos - startedAt;
        Context submitter = waiting.peekLast().context();
        if (patienceLeft > 0 && submitter != null) {
          // The running statements have not been slow yet: what waits goes out with the next
          // batch, or once they have been. (A caller off any event loop has no timer: no patience.)
          if (wakeUpSet) {
            return;
          }
          wakeUpSet = true;
          wakeUpOn = submitter;
          wakeUpInNanos = patienceLeft;
          batch = null;
        } else {
          batch = takeBatch();
          inFlight++;
          runningSince.addLast(startedAt);
        }
      }
      if (batch == null) {
        wakeUpOn.owner().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wakeUpInNanos)), id -> {
          synchronized (lock) {
            wakeUpSet = false;
          }
          drain();
        });
        return;
      }
      run(batch, startedAt);
    }
  }

  /** The longest run of waiting items, in arrival order, that fits the weight and identity rules. */
  private List<Pending<I, O>> takeBatch() {
    List<Pending<I, O>> batch = new ArrayList<>();
    Set<Object> identities = identity == null ? null : new HashSet<>();
    int total = 0;
    for (Iterator<Pending<I, O>> it = waiting.iterator(); it.hasNext(); ) {
      Pending<I, O> next = it.next();
      int w = weight.applyAsInt(next.item());
      if (!batch.isEmpty() && total + w > maxWeight) {
        break;
      }
      if (identities != null && !identities.add(identity.apply(next.item()))) {
        continue; // a second change of the same task waits for the next batch
      }
      batch.add(next);
      total += w;
      it.remove();
    }
    return batch;
  }

  private void run(List<Pending<I, O>> batch, long startedAt) {
    List<I> items = new ArrayList<>(batch.size());
    batch.forEach(p -> items.add(p.item()));
    // One statement on the happy path; a batch refused for its items' content keeps its place in
    // flight while its parts run, until every part has answered.
    isolation.run(items).onComplete(each -> finish(batch, startedAt, i -> {
      AsyncResult<O> own = each.succeeded() ? each.result().get(i) : Future.failedFuture(each.cause());
      deliver(batch.get(i), own.result(), own.cause());
    }));
  }

  private void finish(List<Pending<I, O>> batch, long startedAt, IntConsumer answer) {
    synchronized (lock) {
      inFlight--;
      runningSince.removeFirstOccurrence(startedAt);
    }
    for (int i = 0; i < batch.size(); i++) {
      answer.accept(i);
    }
    drain();
  }

  private void deliver(Pending<I, O> pending, O value, Throwable failure) {
    Runnable answer = () -> {
      if (failure == null) {
        pending.promise().complete(value);
      } else {
        pending.promise().fail(failure);
      }
    };
    if (pending.context() == null || pending.context() == Vertx.currentContext()) {
      answer.run();
    } else {
      pending.context().runOnContext(v -> answer.run());
    }
  }
}
