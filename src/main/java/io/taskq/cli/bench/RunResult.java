package io.taskq.cli.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * What one run measured, in its window only.
 *
 * @param scenario the run's name (a baseline run is named after the scenario it bounds)
 * @param tasks tasks created, completed or claimed (e2e) in the window
 * @param requests requests answered in the window, errors included
 * @param latency the headline latency (requests; e2e: create acknowledged to claimed)
 * @param secondLatencyName what {@code secondLatency} measures, or null
 * @param created e2e: creates acknowledged in the window
 * @param runs dag: workflow runs completed in the window
 * @param generatorCpuPercent the bench process's CPU over the window, % of one core
 * @param serverCpuNanos the server process's CPU over the window; -1 unknown (not its child, or not Linux)
 * @param postgresCpuNanos the local PostgreSQL's CPU (postmaster and children) over the window; -1 unknown (not on this machine)
 * @param serverMaxRssKb the server's largest resident size in the window; -1 unknown
 * @param baseline the naive SQL bound at the same worker count, if run
 * @param windows churn: what each time window of the run measured, in order; empty for other scenarios
 * @param round which of the {@code --repeat} rounds the run belongs to, from 1
 */
record RunResult(
    String scenario,
    int workers,
    double seconds,
    long tasks,
    long requests,
    LatencySummary latency,
    String secondLatencyName,
    LatencySummary secondLatency,
    long errors,
    long emptyPolls,
    long created,
    long runs,
    double generatorCpuPercent,
    long serverCpuNanos,
    long postgresCpuNanos,
    long serverMaxRssKb,
    List<String> notes,
    Optional<RunResult> baseline,
    List<ChurnWindow> windows,
    int round) {

  RunResult {
    notes = List.copyOf(notes);
    windows = List.copyOf(windows);
  }

  /** A run of the first round, without windows. */
  RunResult(String scenario, int workers, double seconds, long tasks, long requests, LatencySummary latency,
      String secondLatencyName, LatencySummary secondLatency, long errors, long emptyPolls, long created, long runs,
      double generatorCpuPercent, long serverCpuNanos, long postgresCpuNanos, long serverMaxRssKb, List<String> notes,
      Optional<RunResult> baseline) {
    this(scenario, workers, seconds, tasks, requests, latency, secondLatencyName, secondLatency, errors, emptyPolls, created, runs,
        generatorCpuPercent, serverCpuNanos, postgresCpuNanos, serverMaxRssKb, notes, baseline, List.of(), 1);
  }

  double tasksPerSecond() {
    return tasks / seconds;
  }

  double requestsPerSecond() {
    return requests / seconds;
  }

  double runsPerSecond() {
    return runs / seconds;
  }

  /** The server's CPU per task in microseconds, when it is known and tasks were done. */
  Optional<Double> serverCpuMicrosPerTask() {
    return serverCpuNanos < 0 || tasks == 0 ? Optional.empty() : Optional.of(serverCpuNanos / 1_000.0 / tasks);
  }

  /** The server's CPU per request answered, in microseconds, when known. */
  Optional<Double> serverCpuMicrosPerRequest() {
    return perUnit(serverCpuNanos, requests);
  }

  Optional<Double> postgresCpuMicrosPerTask() {
    return perUnit(postgresCpuNanos, tasks);
  }

  Optional<Double> postgresCpuMicrosPerRequest() {
    return perUnit(postgresCpuNanos, requests);
  }

  private static Optional<Double> perUnit(long nanos, long units) {
    return nanos < 0 || units == 0 ? Optional.empty() : Optional.of(nanos / 1_000.0 / units);
  }

  /** The server's CPU over the window as a percentage of one core, when known. */
  Optional<Double> serverCpuPercent() {
    return serverCpuNanos < 0 ? Optional.empty() : Optional.of(100.0 * serverCpuNanos / (seconds * 1e9));
  }

  RunResult withBaseline(RunResult bound) {
    return new RunResult(scenario, workers, seconds, tasks, requests, latency, secondLatencyName, secondLatency,
        errors, emptyPolls, created, runs, generatorCpuPercent, serverCpuNanos, postgresCpuNanos, serverMaxRssKb, notes, Optional.of(bound), windows, round);
  }

  RunResult withWindows(List<ChurnWindow> measured) {
    return new RunResult(scenario, workers, seconds, tasks, requests, latency, secondLatencyName, secondLatency,
        errors, emptyPolls, created, runs, generatorCpuPercent, serverCpuNanos, postgresCpuNanos, serverMaxRssKb, notes, baseline,
        measured, round);
  }

  RunResult inRound(int n) {
    return new RunResult(scenario, workers, seconds, tasks, requests, latency, secondLatencyName, secondLatency,
        errors, emptyPolls, created, runs, generatorCpuPercent, serverCpuNanos, postgresCpuNanos, serverMaxRssKb, notes, baseline,
        windows, n);
  }

  /** Churn: the last window against the first, when there are two. */
  Optional<ChurnWindow.Drift> drift() {
    return ChurnWindow.Drift.of(windows);
  }

  /** The same run with {@code first} noted ahead of its own notes. */
  RunResult withNotesFirst(List<String> first) {
    List<String> all = new java.util.ArrayList<>(first);
    all.addAll(notes);
    return new RunResult(scenario, workers, seconds, tasks, requests, latency, secondLatencyName, secondLatency,
        errors, emptyPolls, created, runs, generatorCpuPercent, serverCpuNanos, postgresCpuNanos, serverMaxRssKb, all, baseline, windows, round);
  }

  /** taskq's throughput over the baseline's, when there is one that did anything. */
  Optional<Double> ratioToBaseline() {
    return baseline.filter(b -> b.tasks() > 0).map(b -> tasksPerSecond() / b.tasksPerSecond());
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("scenario", scenario)
        .put("workers", workers)
        .put("round", round)
        .put("seconds", seconds)
        .put("tasks", tasks)
        .put("tasks_per_second", tasksPerSecond())
        .put("requests", requests)
        .put("requests_per_second", requestsPerSecond())
        .put("p50_ms", latency.p50Ms())
        .put("p95_ms", latency.p95Ms())
        .put("p99_ms", latency.p99Ms())
        .put("max_ms", latency.maxMs())
        .put("latency", latency.toJson())
        .put("errors", errors)
        .put("empty_polls", emptyPolls)
        .put("generator_cpu_percent_of_core", generatorCpuPercent)
        .put("server_cpu_us_per_task", serverCpuMicrosPerTask().orElse(null))
        .put("server_cpu_us_per_request", serverCpuMicrosPerRequest().orElse(null))
        .put("postgres_cpu_us_per_task", postgresCpuMicrosPerTask().orElse(null))
        .put("postgres_cpu_us_per_request", postgresCpuMicrosPerRequest().orElse(null))
        .put("server_cpu_percent_of_core", serverCpuPercent().orElse(null))
        .put("server_max_rss_kb", serverMaxRssKb < 0 ? null : serverMaxRssKb)
        .put("notes", new JsonArray(List.copyOf(notes)));
    if (secondLatencyName != null) {
      json.put("second_latency", secondLatency.toJson().put("of", secondLatencyName));
    }
    if (!windows.isEmpty()) {
      JsonArray measured = new JsonArray();
      windows.forEach(w -> measured.add(w.toJson()));
      json.put("windows", measured);
      drift().ifPresent(d -> json.put("drift", d.toJson()));
    }
    if (scenario.equals(ScenarioKind.E2E.wireName())) {
      json.put("created", created).put("created_per_second", created / seconds);
    }
    if (scenario.equals(ScenarioKind.DAG.wireName())) {
      json.put("runs", runs).put("runs_per_second", runsPerSecond()).put("tasks_per_run", FanWorkflow.TASKS_PER_RUN);
    }
    baseline.ifPresent(b -> json
        .put("baseline_tasks_per_second", b.tasksPerSecond())
        .put("ratio", ratioToBaseline().orElse(null))
        .put("baseline", b.toJson()));
    return json;
  }
}
