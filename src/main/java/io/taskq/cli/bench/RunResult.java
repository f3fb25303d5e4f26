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
 * @param generatorCpuPercent the bench process's CPU over the window, % of one core
 * @param serverMaxRssKb the server's largest resident size in the window; -1 unknown
 * @param baseline the naive SQL bound at the same worker count, if run
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
    double generatorCpuPercent,
    long serverMaxRssKb,
    List<String> notes,
    Optional<RunResult> baseline) {

  RunResult {
    notes = List.copyOf(notes);
  }

  double tasksPerSecond() {
    return tasks / seconds;
  }

  double requestsPerSecond() {
    return requests / seconds;
  }

  RunResult withBaseline(RunResult bound) {
    return new RunResult(scenario, workers, seconds, tasks, requests, latency, secondLatencyName, secondLatency,
        errors, emptyPolls, created, generatorCpuPercent, serverMaxRssKb, notes, Optional.of(bound));
  }

  /** The same run with {@code first} noted ahead of its own notes. */
  RunResult withNotesFirst(List<String> first) {
    List<String> all = new java.util.ArrayList<>(first);
    all.addAll(notes);
    return new RunResult(scenario, workers, seconds, tasks, requests, latency, secondLatencyName, secondLatency,
        errors, emptyPolls, created, generatorCpuPercent, serverMaxRssKb, all, baseline);
  }

  /** taskq's throughput over the baseline's, when there is one that did anything. */
  Optional<Double> ratioToBaseline() {
    return baseline.filter(b -> b.tasks() > 0).map(b -> tasksPerSecond() / b.tasksPerSecond());
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("scenario", scenario)
        .put("workers", workers)
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
        .put("server_max_rss_kb", serverMaxRssKb < 0 ? null : serverMaxRssKb)
        .put("notes", new JsonArray(List.copyOf(notes)));
    if (secondLatencyName != null) {
      json.put("second_latency", secondLatency.toJson().put("of", secondLatencyName));
    }
    if (scenario.equals(ScenarioKind.E2E.wireName())) {
      json.put("created", created).put("created_per_second", created / seconds);
    }
    baseline.ifPresent(b -> json
        .put("baseline_tasks_per_second", b.tasksPerSecond())
        .put("ratio", ratioToBaseline().orElse(null))
        .put("baseline", b.toJson()));
    return json;
  }
}
