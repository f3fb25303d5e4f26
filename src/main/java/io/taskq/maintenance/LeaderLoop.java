package io.taskq.maintenance;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A leader's background loop: every {@code interval}, while this instance leads maintenance, one
 * pass of its job, never two at once (a pass that outlasts the interval is not joined by the
 * next). A pass that fails is logged and simply runs again next interval. The jobs make a
 * handover safe themselves (two leaders for a moment): see each job's statements.
 */
public final class LeaderLoop extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(LeaderLoop.class.getName());

  private final String job;
  private final Duration interval;
  private final BooleanSupplier leading;
  private final Supplier<Future<?>> pass;
  private long timer = -1;
  private boolean running;

  /**
   * @param job what a pass does, for the log ("sweeping lapsed leases")
   * @param leading whether this instance leads maintenance now: only the leader runs the job
   * @param pass one pass: drains what there is to do, then completes
   */
  public LeaderLoop(String job, Duration interval, BooleanSupplier leading, Supplier<Future<?>> pass) {
    this.job = job;
    this.interval = interval;
    this.leading = leading;
    this.pass = pass;
  }

  /** Runs {@code batch} again while it answers a full batch: a backlog is cleared in one pass, in short transactions. */
  public static Supplier<Future<?>> draining(Supplier<Future<Integer>> batch, int size) {
    return () -> drain(batch, size);
  }

  private static Future<Void> drain(Supplier<Future<Integer>> batch, int size) {
    return batch.get().compose(n -> n >= size ? drain(batch, size) : Future.succeededFuture());
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
      return; // the previous pass is still draining a backlog, or another instance leads
    }
    running = true;
    pass.get().onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.log(Level.WARNING, job + " failed; it runs again in " + interval.toMillis() + " ms: " + ar.cause().getMessage());
      }
    });
  }
}
