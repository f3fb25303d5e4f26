package io.taskq.api;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Lets at most {@code limit} pieces of work run at once, and at most {@code budget} of their
 * weight; the others wait their turn, in arrival order (none overtakes another, so a heavy piece
 * is not starved by light ones). A piece heavier than the whole budget runs once it is alone.
 * Bulk requests go through one, weighed by their body's size: a bulk request holds about six
 * times its body in heap from the parsed body to the rendered answer (tasks and answer echo each
 * other), so two 16 MB bulks at once ran a 192 MB heap out of memory, while PostgreSQL, not the
 * number in flight, sets how fast they go in. A waiting request holds no body: its body is read
 * once its turn has come (see {@link DeferredBodies}).
 *
 * <p>Thread-safe: work may be submitted from any event loop, and runs on the context that
 * submitted it.
 */
public final class Admission {

  private record Waiting(long weight, Supplier<Future<?>> work, Promise<Void> done, Context context) {
  }

  private final Object lock = new Object();
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private final int limit;
  private final long budget;
  private int running;
  private long weighing;

  /** At most {@code limit} at once, whatever their weight. */
  public Admission(int limit) {
    this(limit, Long.MAX_VALUE);
  }

  public Admission(int limit, long budget) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be at least 1, got " + budget);
    }
    this.limit = limit;
    this.budget = budget;
  }

  /** {@link #submit(long, Supplier)} of a weightless piece. */
  public Future<Void> submit(Supplier<Future<?>> work) {
    return submit(0, work);
  }

  /**
   * Runs {@code work} now if there is room for it and nothing waits before it, else once enough
   * earlier work has ended. The answer completes when the work's future does (a work that throws
   * counts as ended, and fails it).
   */
  public Future<Void> submit(long weight, Supplier<Future<?>> work) {
    Waiting w = new Waiting(Math.max(0, weight), work, Promise.promise(), Vertx.currentContext());
    boolean now;
    synchronized (lock) {
      now = queue.isEmpty() && fits(w);
      if (now) {
        take(w);
      } else {
        queue.add(w);
      }
    }
    if (now) {
      start(w);
    }
    return w.done.future();
  }

  /** The most weight that runs at once (a heavier piece runs alone). */
  public long budget() {
    return budget;
  }

  /** Work waiting for room. */
  public int waiting() {
    synchronized (lock) {
      return queue.size();
    }
  }

  private boolean fits(Waiting w) {
    return running == 0 || (running < limit && w.weight <= budget - weighing);
  }

  private void take(Waiting w) {
    running++;
    weighing += w.weight;
  }

  private void start(Waiting w) {
    Future<?> outcome;
    try {
      outcome = w.work.get();
      if (outcome == null) {
        outcome = Future.failedFuture(new IllegalStateException("admitted work answered no future"));
      }
    } catch (Throwable e) {
      // Whatever the work threw, its room must come back, or the limit shrinks for good.
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(ar -> {
      ended(w);
      if (ar.succeeded()) {
        w.done.complete();
      } else {
        w.done.fail(ar.cause());
      }
    });
  }

  /** Gives back the room of work that ended, and starts as many of the longest waiting as now fit, each on its own context. */
  private void ended(Waiting finished) {
    List<Waiting> admitted = new ArrayList<>(1);
    synchronized (lock) {
      running--;
      weighing -= finished.weight;
      while (!queue.isEmpty() && fits(queue.peek())) {
        Waiting w = queue.poll();
        take(w);
        admitted.add(w);
      }
    }
    for (Waiting w : admitted) {
      if (w.context == null) {
        start(w);
      } else {
        w.context.runOnContext(v -> start(w));
      }
    }
  }
}
