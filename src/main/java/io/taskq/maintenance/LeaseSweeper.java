package io.taskq.maintenance;

import io.taskq.queue.TaskService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Returns tasks whose lease lapsed to the queue (or fails them on their last attempt), every
 * {@code interval}, while this instance leads maintenance. Even two sweeps at once (a handover)
 * are safe: the sweep statement skips rows another sweep holds, so each lapsed lease is swept once.
 */
public final class LeaseSweeper extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(LeaseSweeper.class.getName());
  /** Big enough to clear a burst in a few passes, small enough to keep each transaction short. */
  static final int BATCH = 500;

  private final TaskService tasks;
  private final Duration interval;
  private final BooleanSupplier leading;
  private long timer = -1;
  private boolean running;

  /** @param leading whether this instance leads maintenance now: only the leader sweeps */
  public LeaseSweeper(TaskService tasks, Duration interval, BooleanSupplier leading) {
    this.tasks = tasks;
    this.interval = interval;
    this.leading = leading;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> sweep());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void sweep() {
    if (running || !leading.getAsBoolean()) {
      return; // the previous pass is still draining a backlog, or another instance leads
    }
    running = true;
    drain().onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.log(Level.WARNING, "lease sweep failed; retrying in " + interval.toMillis() + " ms: " + ar.cause().getMessage());
      }
    });
  }

  private Future<Void> drain() {
    return tasks.sweepExpiredLeases(BATCH).compose(swept -> swept == BATCH ? drain() : Future.succeededFuture());
  }
}
