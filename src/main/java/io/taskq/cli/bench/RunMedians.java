package io.taskq.cli.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The median of each figure over the runs of one scenario at one worker count ({@code --repeat}):
 * the targets of issue 14 are medians of 3 runs. Each figure is the median of its own values, so
 * the ratio is the median of each round's ratio (taskq against the naive runs around it), not
 * one median rate over another.
 */
record RunMedians(
    String scenario,
    int workers,
    int runs,
    double tasksPerSecond,
    double p50Ms,
    double p99Ms,
    long errors,
    Optional<Double> baselineTasksPerSecond,
    Optional<Double> ratio,
    Optional<Double> serverMicrosPerRequest,
    Optional<Double> serverMicrosPerTask,
    Optional<Double> postgresMicrosPerRequest,
    Optional<Double> postgresMicrosPerTask,
    Optional<Double> postgresDrift,
    Optional<Double> throughputDrift) {

  /** One row per scenario and worker count, in the order they first ran. */
  static List<RunMedians> of(List<RunResult> results) {
    Map<String, List<RunResult>> groups = new LinkedHashMap<>();
    for (RunResult r : results) {
      groups.computeIfAbsent(r.scenario() + "\u0000" + r.workers(), k -> new ArrayList<>()).add(r);
    }
    List<RunMedians> rows = new ArrayList<>();
    for (List<RunResult> runs : groups.values()) {
      RunResult first = runs.get(0);
      rows.add(new RunMedians(first.scenario(), first.workers(), runs.size(),
          median(runs, r -> Optional.of(r.tasksPerSecond())).orElseThrow(),
          median(runs, r -> Optional.of(r.latency().p50Ms())).orElseThrow(),
          median(runs, r -> Optional.of(r.latency().p99Ms())).orElseThrow(),
          runs.stream().mapToLong(RunResult::errors).sum(),
          median(runs, r -> r.baseline().map(RunResult::tasksPerSecond)),
          median(runs, RunResult::ratioToBaseline),
          median(runs, RunResult::serverCpuMicrosPerRequest),
          median(runs, RunResult::serverCpuMicrosPerTask),
          median(runs, RunResult::postgresCpuMicrosPerRequest),
          median(runs, RunResult::postgresCpuMicrosPerTask),
          median(runs, r -> r.drift().flatMap(ChurnWindow.Drift::postgresRatio)),
          median(runs, r -> r.drift().flatMap(ChurnWindow.Drift::throughputRatio))));
    }
    return rows;
  }

  /** The median of the runs that have the figure (the mean of the middle two for an even count); empty when none has. */
  static Optional<Double> median(List<RunResult> runs, Function<RunResult, Optional<Double>> figure) {
    List<Double> values = new ArrayList<>();
    for (RunResult r : runs) {
      figure.apply(r).ifPresent(values::add);
    }
    return median(values);
  }

  static Optional<Double> median(List<Double> values) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return Optional.of(n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("scenario", scenario)
        .put("workers", workers)
        .put("runs", runs)
        .put("tasks_per_second", tasksPerSecond)
        .put("p50_ms", p50Ms)
        .put("p99_ms", p99Ms)
        .put("errors", errors)
        .put("baseline_tasks_per_second", baselineTasksPerSecond.orElse(null))
        .put("ratio", ratio.orElse(null))
        .put("server_cpu_us_per_request", serverMicrosPerRequest.orElse(null))
        .put("server_cpu_us_per_task", serverMicrosPerTask.orElse(null))
        .put("postgres_cpu_us_per_request", postgresMicrosPerRequest.orElse(null))
        .put("postgres_cpu_us_per_task", postgresMicrosPerTask.orElse(null))
        .put("pg_us_per_task_last_over_first_window", postgresDrift.orElse(null))
        .put("tasks_per_second_last_over_first_window", throughputDrift.orElse(null));
  }
}
