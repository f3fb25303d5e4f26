package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BenchOptionsTest {

  @Test
  void noOptionsMeansEveryScenarioButChurnAtTheDefaultWorkerCountsOnAServerOfItsOwn() {
    BenchOptions options = BenchOptions.parse(List.of());
    assertEquals(List.of(1, 8, 32, 64), options.workers());
    assertEquals(10, options.durationSeconds());
    assertEquals(3, options.warmupSeconds());
    assertEquals(120, options.prewarmSeconds(), "the two minutes the JIT needs here");
    assertEquals(List.of(ScenarioKind.CREATE, ScenarioKind.BULK, ScenarioKind.CLAIM_COMPLETE,
        ScenarioKind.CLAIM_COMPLETE_BATCH_10, ScenarioKind.CLAIM_COMPLETE_BATCH_100, ScenarioKind.E2E, ScenarioKind.DAG),
        options.scenarios());
    assertTrue(options.startsOwnServer());
    assertFalse(options.baseline());
    assertEquals(500, options.e2eRate());
    assertEquals(0, options.longPollMs());
    assertEquals(Optional.empty(), options.out());
    assertEquals(BenchOptions.BaselineVia.AUTO, options.baselineVia());
    assertEquals(20, options.churnWindowSeconds());
    assertFalse(options.holdXmin());
    assertEquals(0, options.churnRate(), "churn runs closed-loop unless paced");
    assertEquals(0, options.churnRatePercent());
    assertEquals(1, options.repeat());
    assertEquals(List.of("-Xmx192m", "-XX:+UseSerialGC"), options.serverJvmOptions(), "README.md's heap cap and collector");
    assertEquals(2, options.dagRunsInFlight(8), "one run fanning out, the one before it waiting for its end");
    assertEquals(2, options.dagRunsInFlight(32));
    assertEquals(2, options.dagRunsInFlight(100));
    assertEquals(3, options.dagRunsInFlight(101), "more workers than one fan-out holds: a second one");
  }

  @Test
  void theDagRunsInFlightCanBeFixed() {
    BenchOptions options = BenchOptions.parse(List.of("--scenarios", "dag", "--dag-runs-in-flight", "1"));
    assertEquals(List.of(ScenarioKind.DAG), options.scenarios());
    assertEquals(1, options.dagRunsInFlight(8));
    assertEquals(1, options.dagRunsInFlight(32));
  }

  @Test
  void everyOptionIsRead() {
    BenchOptions options = BenchOptions.parse(List.of("--url", "http://localhost:9000", "--key", "tq_k",
        "--workers", "2, 4", "--duration=5", "--warmup", "0", "--prewarm", "7", "--scenarios", "e2e,create", "--out", "/tmp/r.json",
        "--baseline", "--db-url", "postgresql://u:p@localhost:5433/db", "--e2e-rate", "1000", "--long-poll-ms", "250"));
    assertEquals(Optional.of(URI.create("http://localhost:9000")), options.url());
    assertEquals(Optional.of("tq_k"), options.key());
    assertEquals(List.of(2, 4), options.workers());
    assertEquals(5, options.durationSeconds());
    assertEquals(0, options.warmupSeconds());
    assertEquals(7, options.prewarmSeconds());
    assertEquals(List.of(ScenarioKind.E2E, ScenarioKind.CREATE), options.scenarios());
    assertEquals(Optional.of(Path.of("/tmp/r.json")), options.out());
    assertTrue(options.baseline());
    assertEquals(Optional.of("postgresql://u:p@localhost:5433/db"), options.databaseUrl());
    assertEquals(1000, options.e2eRate());
    assertEquals(250, options.longPollMs());
    assertFalse(options.startsOwnServer());
  }

  @Test
  void theChurnOptionsAndTheBaselinesWayAreRead() {
    BenchOptions options = BenchOptions.parse(List.of("--scenarios", "churn", "--churn-window", "5", "--hold-xmin",
        "--baseline", "--baseline-via", "client", "--prewarm", "0"));
    assertEquals(List.of(ScenarioKind.CHURN), options.scenarios());
    assertEquals(5, options.churnWindowSeconds());
    assertTrue(options.holdXmin());
    assertEquals(BenchOptions.BaselineVia.CLIENT, options.baselineVia());
    assertEquals(0, options.prewarmSeconds(), "tests may skip the prewarm");
    assertEquals(BenchOptions.BaselineVia.PGBENCH, BenchOptions.parse(List.of("--baseline-via=pgbench")).baselineVia());
  }

  @Test
  void target5sCommandLineIsRead() {
    BenchOptions options = BenchOptions.parse(List.of("--scenarios", "churn", "--workers", "32", "--churn-rate", "1000",
        "--duration", "600", "--hold-xmin", "--repeat", "3"));
    assertEquals(1000, options.churnRate());
    assertEquals(0, options.churnRatePercent());
    assertEquals(600, options.durationSeconds());
    assertEquals(3, options.repeat());
    assertEquals(0, BenchOptions.parse(List.of("--scenarios", "churn", "--churn-rate=0")).churnRate(), "0 is the closed loop");
  }

  @Test
  void aChurnRateInPercentIsAShareOfTheClaimCompleteRateMeasuredBeforeIt() {
    BenchOptions options = BenchOptions.parse(List.of("--scenarios", "claim-complete,churn", "--churn-rate", "50%"));
    assertEquals(50, options.churnRatePercent());
    assertEquals(0, options.churnRate());
  }

  @Test
  void aBadChurnRateSaysWhatItTakes() {
    BenchOptions.UsageError error = assertThrows(BenchOptions.UsageError.class,
        () -> BenchOptions.parse(List.of("--scenarios", "churn", "--churn-rate", "fast")));
    assertEquals("--churn-rate takes a whole number of tasks a second from 0 to 1000000, or a percentage from 1% to 100%, got 'fast'",
        error.getMessage());
    BenchOptions.UsageError order = assertThrows(BenchOptions.UsageError.class,
        () -> BenchOptions.parse(List.of("--scenarios", "churn,claim-complete", "--churn-rate", "50%")));
    assertTrue(order.getMessage().contains("list claim-complete before churn"), order.getMessage());
    BenchOptions.UsageError repeat = assertThrows(BenchOptions.UsageError.class,
        () -> BenchOptions.parse(List.of("--repeat", "0")));
    assertEquals("--repeat takes a whole number from 1 to 20, got '0'", repeat.getMessage());
  }

  @Test
  void theServersJvmOptionsAreReadAndMustLookLikeOptions() {
    assertEquals(List.of("-Xmx192m", "-XX:+UseSerialGC"),
        BenchOptions.parse(List.of("--server-jvm", " -Xmx192m  -XX:+UseSerialGC ")).serverJvmOptions());
    BenchOptions.UsageError stray = assertThrows(BenchOptions.UsageError.class,
        () -> BenchOptions.parse(List.of("--server-jvm", "-Xmx192m Main")));
    assertEquals("--server-jvm takes JVM options such as \"-Xmx192m -XX:+UseSerialGC\", got 'Main'", stray.getMessage());
    assertThrows(BenchOptions.UsageError.class,
        () -> BenchOptions.parse(List.of("--url", "http://localhost:1", "--key", "k", "--server-jvm", "-Xmx192m")));
  }

  @Test
  void claimCompleteBatchStandsForBothBatchSizes() {
    assertEquals(List.of(ScenarioKind.CLAIM_COMPLETE_BATCH_10, ScenarioKind.CLAIM_COMPLETE_BATCH_100),
        BenchOptions.parse(List.of("--scenarios", "claim-complete-batch")).scenarios());
    assertEquals(List.of(ScenarioKind.CLAIM_COMPLETE_BATCH_100),
        BenchOptions.parse(List.of("--scenarios", "claim-complete-batch-100")).scenarios());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "--workers 0", "--workers 1,,2", "--workers 1,1", "--workers x", "--workers 5000",
      "--duration 0", "--duration -1", "--duration 1.5", "--warmup -1", "--prewarm -1",
      "--scenarios create,nope", "--scenarios ", "--e2e-rate 0", "--long-poll-ms -5",
      "--url ftp://localhost --key k", "--url http://localhost/api --key k", "--url http://localhost",
      "--key k", "--db-url mysql://localhost/db", "--frobnicate 1", "stray", "--duration",
      "--duration 1 --duration 2", "--baseline=yes", "--url http://localhost:1 --key k --baseline",
      "--dag-runs-in-flight 0", "--dag-runs-in-flight 1001", "--baseline-via psql", "--churn-window 0",
      "--hold-xmin", "--scenarios create --hold-xmin", "--hold-xmin=1 --scenarios churn",
      "--url http://localhost:1 --key k --scenarios churn --hold-xmin",
      "--churn-rate 100", "--scenarios create --churn-rate 100", "--scenarios churn --churn-rate -1",
      "--scenarios churn --churn-rate 1.5", "--scenarios churn --churn-rate 1000001", "--scenarios churn --churn-rate 0%",
      "--scenarios churn --churn-rate 101%", "--scenarios churn --churn-rate %", "--scenarios churn --churn-rate 50%",
      "--scenarios churn,claim-complete --churn-rate 50%", "--scenarios churn --churn-rate",
      "--repeat 0", "--repeat 21", "--repeat x", "--repeat -1", "--repeat 2 --repeat 3"})
  void badCommandLinesAreUsageErrors(String commandLine) {
    List<String> args = List.of(commandLine.split(" ", -1));
    assertThrows(BenchOptions.UsageError.class, () -> BenchOptions.parse(args));
  }

  @Test
  void aBadCommandLineExitsWithTwo() throws Exception {
    assertEquals(2, BenchCommand.run(List.of("--workers", "none"), Map.of()));
  }

  @Test
  void helpExitsWithZero() throws Exception {
    assertEquals(0, BenchCommand.run(List.of("--help"), Map.of()));
  }

  @Test
  void theBaselineOfAServerOfItsOwnNeedsNoDatabaseUrl() {
    assertTrue(BenchOptions.parse(List.of("--baseline")).baseline());
  }
}
