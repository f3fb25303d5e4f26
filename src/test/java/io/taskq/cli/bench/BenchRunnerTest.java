package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A short bench against a real server: the runner creates, claims and completes, and the baseline bounds it. */
class BenchRunnerTest {

  /** The prewarm runs every scenario first (its own projects, its own progress lines) but reports none of it. */
  @Test
  void aShortRunCreatesClaimsAndCompletesWithoutErrors() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    try (TestServer server = TestServer.start("bench"); LoadGenerator generator = LoadGenerator.start()) {
      String url = "http://localhost:" + server.port();
      String databaseUrl = postgresUrl(server.database());
      BenchOptions options = BenchOptions.parse(List.of("--url", url, "--key", TestServer.ADMIN_KEY,
          "--duration", "1", "--warmup", "0", "--prewarm", "2", "--workers", "2", "--scenarios", "create,claim-complete",
          "--baseline", "--baseline-via", "client", "--db-url", databaseUrl));
      BenchTarget target = new BenchTarget(options.url().orElseThrow(), TestServer.ADMIN_KEY, Optional.of(databaseUrl),
          Optional.empty(), Optional.empty());

      List<RunResult> results = new BenchRunner(generator, options, target, new PrintStream(progress, true), 100_000).runAll();

      assertEquals(2, results.size(), progress::toString);
      assertTrue(progress.toString().contains("bench: prewarm, 1 s of each scenario at 8 workers"), progress::toString);
      assertTrue(progress.toString().contains("bench: claim-complete, 8 workers: 1 s warm-up, 1 s measured"),
          "claim-complete was prewarmed: " + progress);
      RunResult create = results.get(0);
      assertEquals("create", create.scenario());
      assertEquals(2, create.workers());
      assertTrue(create.tasks() > 0, "tasks were created");
      assertEquals(create.tasks(), create.requests(), "one task per create request");
      assertEquals(0, create.errors(), progress::toString);
      assertTrue(create.latency().p50Ms() > 0 && create.latency().p50Ms() <= create.latency().maxMs());
      assertTrue(create.baseline().isEmpty(), "create has no baseline");

      RunResult claims = results.get(1);
      assertEquals("claim-complete", claims.scenario());
      assertTrue(claims.tasks() > 0, "tasks were completed");
      assertEquals(0, claims.errors(), progress::toString);
      assertEquals(0, claims.emptyPolls(), "the prefill lasted the run");
      assertTrue(claims.secondLatency().count() > 0, "completions were timed");

      RunResult bound = claims.baseline().orElseThrow();
      assertEquals("naive claim-complete", bound.scenario());
      assertTrue(bound.tasksPerSecond() > 0, "the naive SQL completed tasks");
      assertEquals(0, bound.errors(), progress::toString);
      assertTrue(claims.tasksPerSecond() > 0);
      assertTrue(claims.ratioToBaseline().orElseThrow() > 0);
      assertTrue(bound.notes().get(0).startsWith("naive before taskq "), "naive ran before and after taskq: " + bound.notes());
      assertTrue(progress.toString().contains("through the PostgreSQL client"), progress::toString);
      assertTrue(bound.postgresCpuMicrosPerTask().orElseThrow() > 0, "the embedded PostgreSQL is local: its CPU is read");

      String report = ReportTable.render(new MachineFacts(2, "cpu", 1024, "Linux", "JVM", Optional.empty()), results,
          java.util.OptionalLong.empty(), 2);
      String row = report.lines().filter(line -> line.startsWith("claim-complete ")).findFirst().orElseThrow();
      List<String> cells = List.of(row.split("\\s*\\|\\s*"));
      assertTrue(Double.parseDouble(cells.get(9).replace(",", "")) > 0, "naive tasks/s in the report: " + row);
      assertTrue(Double.parseDouble(cells.get(10)) > 0, "the ratio in the report: " + row);
      assertEquals("n/a", cells.get(11), "a --url server's CPU is not read: " + row);
      assertTrue(Double.parseDouble(cells.get(14).replace(",", "")) > 0, "PostgreSQL's CPU per task: " + row);
    }
  }

  /** Churn reports the claim's cost per time window; with --hold-xmin a snapshot is held for the run. */
  @Test
  void churnReportsEachWindowWhileASnapshotIsHeld() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    try (TestServer server = TestServer.start("churn"); LoadGenerator generator = LoadGenerator.start()) {
      String url = "http://localhost:" + server.port();
      String databaseUrl = postgresUrl(server.database());
      BenchOptions options = BenchOptions.parse(List.of("--url", url, "--key", TestServer.ADMIN_KEY,
          "--duration", "3", "--warmup", "0", "--prewarm", "0", "--workers", "2", "--scenarios", "churn",
          "--churn-window", "1", "--hold-xmin", "--db-url", databaseUrl));
      BenchTarget target = new BenchTarget(options.url().orElseThrow(), TestServer.ADMIN_KEY, Optional.of(databaseUrl),
          Optional.empty(), Optional.empty());

      List<RunResult> results = new BenchRunner(generator, options, target, new PrintStream(progress, true), 100_000).runAll();

      RunResult churn = results.get(0);
      assertEquals("churn", churn.scenario());
      assertTrue(churn.tasks() > 0, progress::toString);
      assertEquals(0, churn.errors(), progress::toString);
      assertTrue(churn.notes().stream().anyMatch(n -> n.matches("a REPEATABLE READ snapshot \\(xmin \\d+\\) held open .*")),
          "the held transaction has an xmin: " + churn.notes());
      List<String> windows = churn.notes().stream().filter(n -> n.startsWith("window ")).toList();
      assertEquals(3, windows.size(), churn.notes()::toString);
      assertTrue(windows.get(0).startsWith("window 0-1 s: "), windows::toString);
      assertTrue(windows.stream().allMatch(w -> w.contains("us per task") && !w.contains("PostgreSQL n/a")),
          "PostgreSQL's cost per task in every window: " + windows);
    }
  }

  /**
   * Two rounds of claim-complete then churn paced at half of that round's claim-complete rate:
   * every run knows its round, churn's windows and drift are JSON objects, and the medians of the
   * two rounds follow, in the report and in the JSON.
   */
  @Test
  void repeatedRoundsPaceChurnAtHalfTheClaimCompleteRateAndGiveTheirMedians() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    try (TestServer server = TestServer.start("repeat"); LoadGenerator generator = LoadGenerator.start()) {
      String url = "http://localhost:" + server.port();
      String databaseUrl = postgresUrl(server.database());
      BenchOptions options = BenchOptions.parse(List.of("--url", url, "--key", TestServer.ADMIN_KEY,
          "--duration", "2", "--warmup", "0", "--prewarm", "0", "--workers", "2", "--scenarios", "claim-complete,churn",
          "--churn-rate", "50%", "--churn-window", "1", "--repeat", "2", "--db-url", databaseUrl));
      BenchTarget target = new BenchTarget(options.url().orElseThrow(), TestServer.ADMIN_KEY, Optional.of(databaseUrl),
          Optional.empty(), Optional.empty());

      List<RunResult> results = new BenchRunner(generator, options, target, new PrintStream(progress, true), 100_000).runAll();

      assertEquals(List.of("claim-complete", "churn", "claim-complete", "churn"), results.stream().map(RunResult::scenario).toList());
      assertEquals(List.of(1, 1, 2, 2), results.stream().map(RunResult::round).toList(), "rounds interleaved");
      for (int round = 0; round < 2; round++) {
        RunResult peak = results.get(2 * round);
        RunResult churn = results.get(2 * round + 1);
        assertEquals(0, churn.errors(), progress::toString);
        long rate = Math.max(1, Math.round(peak.tasksPerSecond() / 2));
        assertTrue(progress.toString().contains(String.format(java.util.Locale.ROOT,
            "churn, 2 workers: paced at %,d tasks/s, 50%% of claim-complete's", rate)), progress::toString);
        assertTrue(churn.notes().stream().anyMatch(n -> n.startsWith("paced: ")), churn.notes()::toString);
        // Slots started at most a second before the window still complete in it: the bound allows one.
        assertTrue(churn.tasks() <= rate * 3 + 2, churn.tasks() + " tasks in 2 s at " + rate + "/s");
        assertEquals(2, churn.windows().size(), churn.notes()::toString);
      }

      JsonObject json = ResultsJson.of(options, new MachineFacts(2, "cpu", 1024, "Linux", "JVM", Optional.empty()), results,
          java.util.OptionalLong.empty(), "test");
      assertEquals(2, json.getJsonObject("config").getInteger("repeat"));
      assertEquals(50, json.getJsonObject("config").getInteger("churn_rate_percent_of_claim_complete"));
      JsonObject churnRun = json.getJsonArray("runs").getJsonObject(3);
      assertEquals(2, churnRun.getInteger("round"));
      JsonArray windows = churnRun.getJsonArray("windows");
      assertEquals(2, windows.size(), churnRun::encodePrettily);
      JsonObject first = windows.getJsonObject(0);
      assertEquals(0.0, first.getDouble("from"));
      assertEquals(1.0, first.getDouble("to"));
      assertTrue(first.getDouble("tasks_per_second") > 0, first::encode);
      assertTrue(first.getDouble("claim_p99_ms") >= first.getDouble("claim_p50_ms"), first::encode);
      assertTrue(first.getDouble("pg_us_per_task") > 0, "the embedded PostgreSQL is local: " + first.encode());
      assertTrue(first.containsKey("server_us_per_task") && first.getValue("server_us_per_task") == null,
          "a --url server's CPU is unknown: " + first.encode());
      assertTrue(churnRun.getJsonObject("drift").getDouble("pg_us_per_task_last_over_first") > 0, churnRun::encodePrettily);
      JsonArray medians = json.getJsonArray("medians");
      assertEquals(2, medians.size(), medians::encodePrettily);
      JsonObject churnMedians = medians.getJsonObject(1);
      assertEquals("churn", churnMedians.getString("scenario"));
      assertEquals(2, churnMedians.getInteger("runs"));
      assertEquals((results.get(1).tasksPerSecond() + results.get(3).tasksPerSecond()) / 2, churnMedians.getDouble("tasks_per_second"),
          1e-9, "the median of two is their mean");
      assertTrue(churnMedians.getDouble("tasks_per_second_last_over_first_window") > 0, churnMedians::encode);

      String report = ReportTable.render(new MachineFacts(2, "cpu", 1024, "Linux", "JVM", Optional.empty()), results,
          java.util.OptionalLong.empty(), 2);
      assertTrue(report.contains("\nchurn #2 "), report);
      assertTrue(report.contains("medians of 2 runs:"), report);
      assertTrue(report.lines().anyMatch(line -> line.matches("churn\\s+\\|\\s+2 \\|\\s+2 \\|.*")), report);
      assertTrue(report.contains("first window -> last: PostgreSQL "), report);
    }
  }

  /** An e2e worker's completes, or a dag run's start, must not queue behind other workers' parked long-polls in the bench's own pool. */
  @Test
  void e2eWorkersHaveAConnectionForTheirClaimAndEachOfItsCompletes() {
    assertEquals(8 * (1 + ScenarioKind.E2E.claimLimit()), BenchRunner.connections(ScenarioKind.E2E, 8, 3));
    assertEquals(8, BenchRunner.connections(ScenarioKind.CLAIM_COMPLETE, 8, 3));
    assertEquals(8, BenchRunner.connections(ScenarioKind.CLAIM_COMPLETE_BATCH_100, 8, 3));
    assertEquals(8 + 3, BenchRunner.connections(ScenarioKind.DAG, 8, 3), "the dag starter's runs get connections of their own");
  }

  private static String postgresUrl(DatabaseTarget db) {
    String password = db.password() == null ? "" : ":" + URLEncoder.encode(db.password(), StandardCharsets.UTF_8);
    return "postgresql://" + URLEncoder.encode(db.user(), StandardCharsets.UTF_8) + password + "@" + db.host() + ":"
        + db.port() + "/" + db.database();
  }
}
