package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.DependencyInvariant;
import io.taskq.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A short dag run against a real server: its figures are there and agree with each other; no speed is asserted. */
class DagScenarioTest {

  private static final int WORKERS = 4;

  @Test
  void runsOfTheFanCompleteAndEveryReleaseIsMeasuredAfterItsPrerequisite() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    try (TestServer server = TestServer.start("dagbench"); LoadGenerator generator = LoadGenerator.start();
        TaskqClient client = new TaskqClient(generator.vertx(), URI.create("http://localhost:" + server.port()),
            TestServer.ADMIN_KEY, BenchRunner.connections(ScenarioKind.DAG, WORKERS, DagScenario.runsInFlight(WORKERS)))) {
      BenchFixtures fixtures = new BenchFixtures(client);
      String type = fixtures.registerTaskType(0);
      long project = fixtures.newProject("dag");
      fixtures.registerFanWorkflow(project, type);
      // The server runs in this JVM, so this CPU includes the generator's: here only its reading is checked.
      LoadRun loadRun = new LoadRun(generator, new LatencyRecorder(100_000), new LatencyRecorder(100_000), Optional.empty(),
          Optional.of(new ServerCpu(ProcessHandle.current().pid())), Optional.empty());
      DagScenario scenario = new DagScenario(generator.vertx(), client, project, WORKERS, DagScenario.runsInFlight(WORKERS));

      RunResult result = loadRun.run("dag", scenario, WORKERS, 2, 4, new ErrorLog("dag", new PrintStream(progress, true)));

      int inFlight = scenario.runsInFlight();
      assertEquals(2, inFlight, "one run fanning out, the one before it waiting for its end");
      assertEquals(0, result.errors(), progress::toString);
      assertTrue(result.runs() > 0, "runs completed in the window");
      // Runs straddling either edge of the window count tasks in it but not their run, or the reverse.
      long slack = (long) FanWorkflow.TASKS_PER_RUN * inFlight;
      assertTrue(Math.abs(result.tasks() - FanWorkflow.TASKS_PER_RUN * result.runs()) <= slack,
          result.tasks() + " tasks for " + result.runs() + " runs");
      assertTrue(Math.abs(result.tasksPerSecond() - FanWorkflow.TASKS_PER_RUN * result.runsPerSecond())
          <= slack / result.seconds(), "tasks/s is 102 x runs/s within the runs straddling the window's edges");

      assertEquals(0, scenario.releasesBeforeCompletion(), "no dependent was claimed before its last prerequisite completed");
      LatencySummary releases = result.latency();
      int dependentsPerRun = FanWorkflow.TASKS_PER_RUN - 1;
      assertTrue(Math.abs(releases.count() - (long) dependentsPerRun * result.runs()) <= (long) dependentsPerRun * inFlight,
          releases.count() + " release latencies for " + result.runs() + " runs");
      assertTrue(releases.p50Ms() >= 0 && releases.p50Ms() <= releases.p99Ms() && releases.p99Ms() <= releases.maxMs(),
          releases.toString());
      LatencySummary fanIn = result.secondLatency();
      assertEquals("fan-in release (end)", result.secondLatencyName());
      assertTrue(Math.abs(fanIn.count() - result.runs()) <= inFlight, fanIn.count() + " fan-ins for " + result.runs() + " runs");
      assertTrue(fanIn.p50Ms() >= 0, fanIn.toString());

      assertTrue(result.serverCpuMicrosPerTask().orElseThrow() > 0, "CPU was read from /proc");
      assertTrue(result.notes().get(0).contains("runs/s"), result.notes().toString());
      assertEquals(result.runs(), result.toJson().getLong("runs"));
      assertEquals(List.of(), DependencyInvariant.violations(server.sql()));
    }
  }
}
