package io.taskq.cli.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Target 5 of issue 14: claim(limit 1) -> complete for a long run with no VACUUM but
 * autovacuum's, reported per time window (PostgreSQL's and the server's CPU per task, tasks/s,
 * the claim's p50/p99), so that a claim growing dearer as dead entries pile up shows as a rising
 * column rather than vanishing into one average. A thread of its own reads /proc at each
 * window's edge: nothing blocking runs on an event loop. With a {@link Pacer} the workers start
 * their cycles on its shared schedule (target 5 at 1,000 tasks/s; target 4 at half the peak)
 * instead of as fast as the server answers.
 */
final class ChurnScenario implements LoadScenario {

  /** Claim samples a window holds: 20 s at 25k claims/s. */
  private static final int WINDOW_SAMPLES = 500_000;

  private final Vertx vertx;
  private final Optional<Pacer> pacer;
  private final ClaimStep claims;
  private final int windowSeconds;
  private final Optional<PostgresCpu> postgresCpu;
  private final Optional<ServerCpu> serverCpu;
  private final AtomicReference<LatencyRecorder> current = new AtomicReference<>(new LatencyRecorder(WINDOW_SAMPLES));
  private final List<ChurnWindow> windows = new ArrayList<>();
  private Thread reporter;

  /**
   * @param pacer shared start slots of the workers' cycles ({@code --churn-rate}); empty: closed loop
   */
  ChurnScenario(Vertx vertx, TaskqClient client, long project, int workers, int windowSeconds, Optional<Pacer> pacer,
      Optional<PostgresCpu> postgresCpu, Optional<ServerCpu> serverCpu) {
    this.vertx = vertx;
    this.pacer = pacer;
    this.claims = new ClaimStep(vertx, client, project, workers, 1);
    this.windowSeconds = windowSeconds;
    this.postgresCpu = postgresCpu;
    this.serverCpu = serverCpu;
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
    if (pacer.isEmpty()) {
      return cycle(worker, window);
    }
    return pacer.get().awaitSlot(vertx, window.measureUntilNanos)
        .compose(inTime -> inTime ? cycle(worker, window) : Future.succeededFuture());
  }

  /** One claim -> complete; the claim's latency is timed from its request, after any wait for a slot. */
  private Future<?> cycle(int worker, MeasurementWindow window) {
    long t0 = System.nanoTime();
    return claims.claimThen(worker, window, tasks -> {
      current.get().record(System.nanoTime() - t0);
      return claims.completeOne(tasks.getJsonObject(0), window);
    });
  }

  @Override
  public Future<Void> background(Context context, MeasurementWindow window) {
    Promise<Void> done = Promise.promise();
    reporter = new Thread(() -> {
      try {
        report(window);
        done.tryComplete();
      } catch (InterruptedException e) {
        done.tryFail(e);
      } catch (RuntimeException e) {
        done.tryFail(e);
      }
    }, "bench-churn-windows");
    reporter.setDaemon(true);
    reporter.start();
    return done.future();
  }

  private void report(MeasurementWindow window) throws InterruptedException {
    long step = TimeUnit.SECONDS.toNanos(windowSeconds);
    Await.until(window.measureFromNanos);
    current.set(new LatencyRecorder(WINDOW_SAMPLES));
    long from = window.measureFromNanos;
    long tasksFrom = window.tasks();
    long pgFrom = postgresCpu.map(PostgresCpu::nanos).orElse(-1L);
    long serverFrom = serverCpu.map(ServerCpu::nanos).orElse(-1L);
    while (from < window.measureUntilNanos) {
      long to = Math.min(from + step, window.measureUntilNanos);
      Await.until(to);
      LatencyRecorder finished = current.getAndSet(new LatencyRecorder(WINDOW_SAMPLES));
      // The last window's edge is the run's: tasks counted right at it may still land; read them a moment later.
      long tasksTo = window.tasks();
      long pgTo = postgresCpu.map(PostgresCpu::nanos).orElse(-1L);
      long serverTo = serverCpu.map(ServerCpu::nanos).orElse(-1L);
      ChurnWindow w = new ChurnWindow((from - window.measureFromNanos) / 1e9, (to - window.measureFromNanos) / 1e9, tasksTo - tasksFrom,
          finished.summarize(), pgFrom < 0 || pgTo < 0 ? -1 : pgTo - pgFrom, serverFrom < 0 || serverTo < 0 ? -1 : serverTo - serverFrom);
      synchronized (windows) {
        windows.add(w);
      }
      from = to;
      tasksFrom = tasksTo;
      pgFrom = pgTo;
      serverFrom = serverTo;
    }
  }

  @Override
  public List<ChurnWindow> windows() {
    synchronized (windows) {
      return List.copyOf(windows);
    }
  }

  @Override
  public String secondLatencyName() {
    return "complete";
  }

  @Override
  public List<String> notes(MeasurementWindow window) {
    if (reporter != null) {
      try {
        reporter.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<String> notes = new ArrayList<>(Notes.emptyQueue(window));
    pacer.ifPresent(p -> notes.add(String.format(Locale.ROOT,
        "paced: the workers together start at most %,.0f claim -> complete cycles a second", 1e9 / p.intervalNanos())));
    List<ChurnWindow> measured = windows();
    for (ChurnWindow w : measured) {
      notes.add(w.describe());
    }
    ChurnWindow.Drift.of(measured).ifPresent(drift -> notes.add(drift.describe()));
    return notes;
  }
}
