package io.taskq.cli.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * The results as JSON for --out: the configuration, the machine, one object per run (with its
 * round), and the medians per scenario and worker count over the rounds.
 */
final class ResultsJson {

  private ResultsJson() {
  }

  static JsonObject of(BenchOptions options, MachineFacts machine, List<RunResult> results, OptionalLong serverMaxRssKb,
      String target) {
    JsonObject config = new JsonObject()
        .put("target", target)
        .put("workers", new JsonArray(List.copyOf(options.workers())))
        .put("duration_seconds", options.durationSeconds())
        .put("warmup_seconds", options.warmupSeconds())
        .put("prewarm_seconds", options.prewarmSeconds())
        .put("scenarios", new JsonArray(options.scenarios().stream().map(ScenarioKind::wireName).toList()))
        .put("baseline", options.baseline())
        .put("baseline_via", options.baselineVia().name().toLowerCase(java.util.Locale.ROOT))
        .put("churn_window_seconds", options.churnWindowSeconds())
        .put("hold_xmin", options.holdXmin())
        .put("churn_rate", options.churnRate() == 0 ? null : options.churnRate())
        .put("churn_rate_percent_of_claim_complete", options.churnRatePercent() == 0 ? null : options.churnRatePercent())
        .put("repeat", options.repeat())
        .put("e2e_rate", options.e2eRate())
        .put("long_poll_ms", options.longPollMs())
        .put("dag_runs_in_flight", options.dagRunsInFlight() == 0 ? null : options.dagRunsInFlight());
    JsonArray runs = new JsonArray();
    for (RunResult r : results) {
      runs.add(r.toJson().put("config", config));
    }
    JsonArray medians = new JsonArray();
    RunMedians.of(results).forEach(m -> medians.add(m.toJson()));
    return new JsonObject()
        .put("finished_at", Instant.now().toString())
        .put("config", config)
        .put("machine", machine.toJson())
        .put("server_max_rss_kb", serverMaxRssKb.isPresent() && serverMaxRssKb.getAsLong() >= 0 ? serverMaxRssKb.getAsLong() : null)
        .put("runs", runs)
        .put("medians", medians);
  }

  static void write(Path file, JsonObject json) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, json.encodePrettily() + "\n");
  }
}
