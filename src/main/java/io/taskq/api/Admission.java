package io.taskq.api;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Lets at most {@code limit} pieces of work run at once; the others wait their turn, in arrival
 * order. Bulk requests go through one: a 1,000-task request holds a few megabytes of heap from
 * the parsed body to the rendered answer, and 64 of them at once grew the heap to its cap, while
 * PostgreSQL, not the number in flight, sets how fast they go in. A waiting request holds no
 * body: its body is read once its turn has come (see {@link BulkBodies}).
 *
 * <p>Thread-safe: work may be submitted from any event loop, and runs on the context that
 * submitted it.
 */
public final class Admission {

  private record Waiting(Supplier<Future<?>> work, Promise<Void> done, Context context) {
  }

  private final Object lock = new Object();
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private final int limit;
  private int running;

  public Admission(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    this.limit = limit;
  }

  /**
   * Runs {@code work} now if there is room, else once enough earlier work has ended. The answer
   * completes when the work's future does (a work that throws counts as ended, and fails it).
   */
  public Future<Void> submit(Supplier<Future<?>> work) {
    Waiting w = new Waiting(work, Promise.promise(), Vertx.currentContext());
    boolean now;
    synchronized (lock) {
      now = running < limit;
      if (now) {
        running++;
      } else {
        queue.add(w);
      }
    }
    if (now) {
      start(w);
    }
    return w.done.future();
  }

  /** Work waiting for room. */
  public int waiting() {
    synchronized (lock) {
      return queue.size();
    }
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
      next();
      if (ar.succeeded()) {
        w.done.complete();
      } else {
        w.done.fail(ar.cause());
      }
    });
  }

  /** Hands the room of work that ended to the longest waiting, on its own context. */
  private void next() {
    Waiting w;
    synchronized (lock) {
      w = queue.poll();
      if (w == null) {
        running--;
        return;
      }
    }
    if (w.context == null) {
      start(w);
    } else {
      w.context.runOnContext(v -> start(w));
    }
  }
}
