package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunMediansTest {

  @Test
  void eachFigureIsTheMedianOfItsOwnValuesPerScenarioAndWorkerCount() {
    List<RunResult> results = List.of(
        run("claim-complete", 8, 1_000, 1, 1_000_000_000L).withBaseline(run("naive", 8, 2_000, 1, -1)),
        run("create", 8, 5_000, 1, -1),
        run("claim-complete", 8, 3_000, 2, 9_000_000_000L).withBaseline(run("naive", 8, 3_000, 2, -1)),
        run("create", 8, 4_000, 2, -1),
        run("claim-complete", 8, 2_000, 3, 4_000_000_000L).withBaseline(run("naive", 8, 8_000, 3, -1)),
        run("create", 8, 6_000, 3, -1));

    List<RunMedians> medians = RunMedians.of(results);

    assertEquals(List.of("claim-complete", "create"), medians.stream().map(RunMedians::scenario).toList(), "in the order they first ran");
    RunMedians claims = medians.get(0);
    assertEquals(3, claims.runs());
    assertEquals(200.0, claims.tasksPerSecond(), "1,000 / 3,000 / 2,000 tasks in 10 s");
    assertEquals(Optional.of(300.0), claims.baselineTasksPerSecond());
    assertEquals(Optional.of(0.5), claims.ratio(), "ratios 0.5, 1.0, 0.25: the median ratio, not 200 over 300");
    assertEquals(Optional.of(2_000.0), claims.serverMicrosPerTask(), "1,000 / 3,000 / 2,000 us per task");
    assertEquals(Optional.empty(), claims.postgresMicrosPerTask(), "unknown in every run");
    assertEquals(500.0, medians.get(1).tasksPerSecond());
    assertEquals(Optional.empty(), medians.get(1).ratio());
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(Optional.of(2.5), RunMedians.median(List.of(4.0, 1.0, 3.0, 2.0)));
    assertEquals(Optional.of(7.0), RunMedians.median(List.of(7.0)));
    assertEquals(Optional.empty(), RunMedians.median(List.of()));
  }

  @Test
  void theReportShowsEachRoundsRunAndTheMediansTable() {
    List<RunResult> results = List.of(run("create", 8, 1_000, 1, -1), run("create", 8, 3_000, 2, -1), run("create", 8, 2_000, 3, -1));

    String report = ReportTable.render(new MachineFacts(2, "cpu", 1024, "Linux", "JVM", Optional.empty()), results,
        java.util.OptionalLong.empty(), 2);

    assertTrue(report.contains("\ncreate #3 "), report);
    assertTrue(report.contains("medians of 3 runs:"), report);
    String row = report.lines().filter(line -> line.startsWith("create ") && !line.startsWith("create #")).findFirst().orElseThrow();
    assertEquals(List.of("create", "8", "3", "200"), List.of(row.split("\\s*\\|\\s*")).subList(0, 4), report);
  }

  private static RunResult run(String scenario, int workers, long tasks, int round, long serverCpuNanos) {
    LatencySummary latency = new LatencySummary(10, 1, 2, 3, 4);
    return new RunResult(scenario, workers, 10.0, tasks, tasks, latency, null, LatencySummary.EMPTY, 0, 0, 0, 0, 50.0, serverCpuNanos,
        -1, -1, List.of(), Optional.empty()).inRound(round);
  }
}
