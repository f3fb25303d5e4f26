package io.taskq.cli.bench;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Drives one scenario with N workers through its warm-up and measured window, and reads what
 * the window counted, the generator's CPU and the server's memory. The calling (main) thread
 * only sleeps until the window's edges to read the CPU clock, then waits for the workers.
 */
final class LoadRun {

  /** Workers finish their last request after the window; a request times out after 60 s. */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);

  private final LoadGenerator generator;
  private final LatencyRecorder latency;
  private final LatencyRecorder secondLatency;
  private final Optional<RssSampler> serverRss;
  private final Optional<ServerCpu> serverCpu;
  private final Optional<PostgresCpu> postgresCpu;

  LoadRun(LoadGenerator generator, LatencyRecorder latency, LatencyRecorder secondLatency, Optional<RssSampler> serverRss,
      Optional<ServerCpu> serverCpu, Optional<PostgresCpu> postgresCpu) {
    this.postgresCpu = postgresCpu;
    this.generator = generator;
    this.latency = latency;
    this.secondLatency = secondLatency;
    this.serverRss = serverRss;
    this.serverCpu = serverCpu;
  }

  /** A run whose load goes through the server: its CPU over the window is read when the bench can. */
  RunResult run(String name, LoadScenario scenario, int workers, int warmupSeconds, int durationSeconds, ErrorLog errors)
      throws Exception {
    return run(name, scenario, workers, warmupSeconds, durationSeconds, errors, serverCpu);
  }

  /** A run that bypasses the server (the baseline): the server's idle CPU would say nothing. */
  RunResult runPastTheServer(String name, LoadScenario scenario, int workers, int warmupSeconds, int durationSeconds,
      ErrorLog errors) throws Exception {
    return run(name, scenario, workers, warmupSeconds, durationSeconds, errors, Optional.empty());
  }

  private RunResult run(String name, LoadScenario scenario, int workers, int warmupSeconds, int durationSeconds,
      ErrorLog errors, Optional<ServerCpu> serverCpu) throws Exception {
    MeasurementWindow window = new MeasurementWindow(System.nanoTime(), warmupSeconds, durationSeconds, latency,
        secondLatency, errors);
    List<Future<?>> loops = new ArrayList<>(workers + 1);
    // The background load gets the context after the last worker's, so it shares a loop with the fewest workers.
    loops.add(scenario.background(generator.context(workers), window));
    for (int i = 0; i < workers; i++) {
      int worker = i;
      loops.add(AsyncLoop.run(generator.context(i), window::open, () -> scenario.step(worker, window)));
    }

    Await.until(window.measureFromNanos);
    long cpuFrom = CpuMeter.processCpuNanos();
    long serverCpuFrom = serverCpu.map(ServerCpu::nanos).orElse(-1L);
    long postgresCpuFrom = postgresCpu.map(PostgresCpu::nanos).orElse(-1L);
    long wallFrom = System.nanoTime();
    serverRss.ifPresent(RssSampler::startWindow);
    Await.until(window.measureUntilNanos);
    double cpuPercent = CpuMeter.percentOfOneCore(cpuFrom, CpuMeter.processCpuNanos(), System.nanoTime() - wallFrom);
    long serverCpuTo = serverCpu.map(ServerCpu::nanos).orElse(-1L);
    long postgresCpuTo = postgresCpu.map(PostgresCpu::nanos).orElse(-1L);
    long serverCpuNanos = serverCpuFrom < 0 || serverCpuTo < 0 ? -1 : serverCpuTo - serverCpuFrom;
    long postgresCpuNanos = postgresCpuFrom < 0 || postgresCpuTo < 0 ? -1 : postgresCpuTo - postgresCpuFrom;
    long rssKb = serverRss.map(RssSampler::windowMaxKb).orElse(-1L);
    List<String> notes = new ArrayList<>(scenario.notes(window));
    serverRss.filter(rss -> rss.windowFirstKb() > 0).ifPresent(rss -> notes.add(String.format(Locale.ROOT,
        "server RSS %,d MB at the window's start, %,d MB at its end, %,d MB at most",
        rss.windowFirstKb() / 1024, rss.latestKb() / 1024, rssKb / 1024)));

    Await.result(Future.all(loops), DRAIN_TIMEOUT);
    return new RunResult(name, workers, window.seconds(), window.tasks(), window.requests(), latency.summarize(),
        scenario.secondLatencyName(), scenario.secondLatencyName() == null ? LatencySummary.EMPTY : secondLatency.summarize(),
        window.errors(), window.emptyPolls(), window.created(), window.runs(), cpuPercent, serverCpuNanos, postgresCpuNanos, rssKb, notes,
        Optional.empty()).withWindows(scenario.windows());
  }
}
