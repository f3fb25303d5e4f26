package io.taskq.cli.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs an asynchronous step again and again on one event-loop context while a condition
 * holds: a worker of the load generator. Each next step is queued on the context rather than
 * called from the previous step's callback, so that steps finishing at once (a failed
 * connection, an empty answer) cannot grow the stack.
 */
final class AsyncLoop {

  private final Context context;
  private final BooleanSupplier keepGoing;
  private final Supplier<Future<?>> step;
  private final Promise<Void> done = Promise.promise();

  private AsyncLoop(Context context, BooleanSupplier keepGoing, Supplier<Future<?>> step) {
    this.context = context;
    this.keepGoing = keepGoing;
    this.step = step;
  }

  /** Completes when the condition no longer holds after a step; fails if a step fails (a bug: steps count errors). */
  static Future<Void> run(Context context, BooleanSupplier keepGoing, Supplier<Future<?>> step) {
    AsyncLoop loop = new AsyncLoop(context, keepGoing, step);
    context.runOnContext(v -> loop.next());
    return loop.done.future();
  }

  private void next() {
    if (!keepGoing.getAsBoolean()) {
      done.tryComplete();
      return;
    }
    Future<?> current;
    try {
      current = step.get();
    } catch (RuntimeException e) {
      done.tryFail(e);
      return;
    }
    current.onComplete(ar -> {
      if (ar.failed()) {
        done.tryFail(ar.cause());
      } else {
        context.runOnContext(v -> next());
      }
    });
  }
}
