package io.taskq.maintenance;

import io.taskq.workflow.RunService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records the end of workflow runs (final status, finish time, the run metrics), every
 * {@code interval}, while this instance leads maintenance: off the completion path, which then
 * costs a run's tasks nothing for run bookkeeping.
 */
public final class RunFinalizer extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(RunFinalizer.class.getName());
  static final int BATCH = 100;

  private final RunService runs;
  private final Duration interval;
  private final BooleanSupplier leading;
  private long timer = -1;
  private boolean running;

  public RunFinalizer(RunService runs, Duration interval, BooleanSupplier leading) {
    this.runs = runs;
    this.interval = interval;
    this.leading = leading;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void tick() {
    if (running || !leading.getAsBoolean()) {
      return;
    }
    running = true;
    drain().onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.log(Level.WARNING, "recording finished runs failed; retrying in " + interval.toMillis() + " ms: " + ar.cause().getMessage());
      }
    });
  }

  private Future<Void> drain() {
    return runs.recordFinished(BATCH).compose(n -> n == BATCH ? drain() : Future.succeededFuture());
  }
}
