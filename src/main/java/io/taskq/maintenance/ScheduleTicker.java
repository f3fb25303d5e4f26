package io.taskq.maintenance;

import io.taskq.workflow.ScheduleService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the runs of due workflow schedules, every {@code interval}, while this instance leads
 * maintenance. A handover (two leaders for a moment) cannot start an occurrence twice: see
 * {@link ScheduleService}.
 */
public final class ScheduleTicker extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(ScheduleTicker.class.getName());

  private final ScheduleService schedules;
  private final Duration interval;
  private final BooleanSupplier leading;
  private long timer = -1;
  private boolean running;

  public ScheduleTicker(ScheduleService schedules, Duration interval, BooleanSupplier leading) {
    this.schedules = schedules;
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
        LOG.log(Level.WARNING, "starting scheduled runs failed; retrying in " + interval.toMillis() + " ms: " + ar.cause().getMessage());
      }
    });
  }

  /** Takes due schedules until fewer than a batch were due. */
  private Future<Void> drain() {
    return schedules.startDue().compose(due -> due == ScheduleService.BATCH ? drain() : Future.succeededFuture());
  }
}
