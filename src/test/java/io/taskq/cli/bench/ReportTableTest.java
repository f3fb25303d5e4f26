package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ReportTableTest {

  private static final MachineFacts MACHINE = new MachineFacts(2, "cpu", 1024, "Linux", "JVM", Optional.of("18.6"));

  @Test
  void aRunWithABaselineShowsTheBaselineRateAndTheRatio() {
    RunResult taskq = run("claim-complete", 1_000, 2_000).withBaseline(run("baseline claim-complete", 2_000, 4_000));

    String report = ReportTable.render(MACHINE, List.of(taskq), OptionalLong.of(300 * 1024), 2);

    String row = report.lines().filter(line -> line.startsWith("claim-complete ")).findFirst().orElseThrow();
    List<String> cells = List.of(row.split("\\s*\\|\\s*"));
    assertEquals(List.of("claim-complete", "8", "100", "200", "1.00", "2.00", "3.00", "4.00", "0", "200", "0.50", "n/a", "n/a", "n/a", "n/a", "50",
        "300"),
        cells);
    assertTrue(report.contains("complete latency p50/p95/p99/max 1.00/2.00/3.00/4.00 ms"), report);
    assertTrue(report.contains("server max RSS over the whole bench: 300 MB"), report);
    assertTrue(report.startsWith("machine: 2 cores"), report);
  }

  @Test
  void aRunWithoutABaselineHasDashesInItsColumns() {
    String report = ReportTable.render(MACHINE, List.of(run("create", 1_000, 1_000)), OptionalLong.empty(), 2);

    String row = report.lines().filter(line -> line.startsWith("create ")).findFirst().orElseThrow();
    List<String> cells = List.of(row.split("\\s*\\|\\s*"));
    assertEquals("-", cells.get(9));
    assertEquals("-", cells.get(10));
  }

  @Test
  void cpuIsShownPerRequestAndPerTaskForTheServerAndPostgres() {
    String report = ReportTable.render(MACHINE, List.of(run("claim-complete", 1_000, 2_000, 1_000_000_000L, 300_000_000L)),
        OptionalLong.empty(), 2);

    String row = report.lines().filter(line -> line.startsWith("claim-complete ")).findFirst().orElseThrow();
    List<String> cells = List.of(row.split("\\s*\\|\\s*"));
    assertEquals(List.of("500", "1,000", "150", "300"), cells.subList(11, 15));
  }

  private static RunResult run(String scenario, long tasks, long requests) {
    return run(scenario, tasks, requests, -1, -1);
  }

  private static RunResult run(String scenario, long tasks, long requests, long serverCpuNanos, long postgresCpuNanos) {
    LatencySummary latency = new LatencySummary(10, 1, 2, 3, 4);
    return new RunResult(scenario, 8, 10.0, tasks, requests, latency, "complete", latency, 0, 0, 0, 0, 50.0, serverCpuNanos,
        postgresCpuNanos, 300 * 1024,
        List.of(), Optional.empty());
  }
}
