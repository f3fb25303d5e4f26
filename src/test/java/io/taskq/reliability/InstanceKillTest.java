package io.taskq.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Three taskq processes on one database, 64 workers spread over them, tasks whose scripts fail
 * them retryably, for good, or let their lease lapse; one process is killed with SIGKILL in the
 * middle of the run. At the end every task ended as its script says, every log is a history the
 * state machine allows, no task was completed twice, and every write a client saw acknowledged
 * is in the database.
 */
@Tag("reliability")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstanceKillTest {

  static final int TASKS = Integer.getInteger("taskq.reliability.tasks", 50_000);
  static final int WORKERS = 64;
  static final long SEED = Long.getLong("taskq.reliability.seed", System.nanoTime());
  /** The run's whole budget; on this 2-core machine it takes a fraction of it. */
  static final Duration RUN_DEADLINE = Duration.ofMinutes(5);

  private final List<TaskqProcess> processes = new ArrayList<>();
  private DatabaseTarget db;
  private Vertx vertx;

  @BeforeAll
  void startThreeInstances() throws Exception {
    db = TestDatabase.fresh("instance_kill");
    for (int i = 0; i < 3; i++) {
      processes.add(TaskqProcess.start("instance-kill-" + i, db, Map.of()));
    }
    for (TaskqProcess p : processes) {
      p.awaitReady(Duration.ofSeconds(120));
    }
    vertx = Vertx.vertx();
  }

  @AfterAll
  void killEverything() throws Exception {
    for (TaskqProcess p : processes) {
      p.close();
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void everyTaskEndsAsItsScriptSaysThoughAnInstanceIsKilledMidRun() throws Exception {
    System.out.println("InstanceKillTest seed " + SEED + " (replay: -Dtaskq.reliability.seed=" + SEED + ")");
    long started = System.nanoTime();
    List<Http> instances = new ArrayList<>();
    for (TaskqProcess p : processes) {
      instances.add(new Http(vertx, p.port(), 96, 30_000));
    }
    Http setup = instances.get(0);
    long project = setup.post("/projects", new JsonObject().put("name", "kill-" + UUID.randomUUID())).await()
        .json().getLong("id");
    String steady = "steady-" + UUID.randomUUID().toString().substring(0, 8);
    String lapsing = "lapsing-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, setup.post("/task-types", new JsonObject().put("name", steady).put("version", 1)
        .put("lease_seconds", 10).put("param_schema", new JsonObject().put("type", "object"))).await().status());
    assertEquals(201, setup.post("/task-types", new JsonObject().put("name", lapsing).put("version", 1)
        .put("lease_seconds", 2).put("param_schema", new JsonObject().put("type", "object"))).await().status());

    Ledger ledger = new Ledger();
    Fleet fleet = new Fleet(vertx, instances, project, SEED, ledger);
    fleet.startWorkers(WORKERS);
    var creation = fleet.create(steady, lapsing, 0, TASKS, 500, 10, 4);

    Waits.until(() -> Ledger.finishedTasks(db, project), n -> n >= TASKS * 2 / 5, RUN_DEADLINE, Duration.ofMillis(250));
    // The leader, when it can be told: its death also stops the lease sweep until another takes over.
    String leader = leaderHolder();
    TaskqProcess victim = processes.stream().filter(p -> leader != null && p.logged(leader)).findFirst()
        .orElse(processes.get(1));
    boolean killedLeader = leader != null && victim.logged(leader);
    long finishedAtKill = Ledger.finishedTasks(db, project);
    long rssBeforeKill = victim.residentMb();
    victim.kill();
    long killedAt = System.nanoTime();
    System.out.println("InstanceKillTest: killed " + victim.name() + " (pid " + victim.pid() + ", " + rssBeforeKill
        + " MB resident" + (killedLeader ? ", the leader" : "") + ") with " + finishedAtKill + " of " + TASKS + " tasks finished");

    Waits.until(() -> Ledger.finishedTasks(db, project), n -> n >= TASKS, RUN_DEADLINE, Duration.ofMillis(500));
    double afterKillSeconds = (System.nanoTime() - killedAt) / 1e9;
    creation.await(60, TimeUnit.SECONDS);
    fleet.stop().await(60, TimeUnit.SECONDS);

    Ledger.Check check = ledger.check(db, project);
    List<String> wrong = check.wrongEndStates(SEED, TASKS);
    int wrongEnd = wrong.size();
    long rss = processes.stream().filter(TaskqProcess::isAlive).mapToLong(TaskqProcess::residentMb).max().orElse(-1);
    new Figures("InstanceKillTest")
        .put("seed", SEED)
        .put("instances", 3)
        .put("workers", WORKERS)
        .put("tasks checked", TASKS)
        .put("log entries checked", check.logEntries())
        .put("requests sent", fleet.requests.get())
.put("faults injected", "1 SIGKILL" + (killedLeader ? " (of the leader)" : "") + ", " + fleet.scriptedFailures.get() + " scripted fails, "
            + fleet.abandoned.get() + " abandoned leases")
        .put("requests without answer (failed over)", fleet.unanswered.get())
        .put("409 stale lease", fleet.conflicts.get())
        .put("acknowledged creates", ledger.created.size())
        .put("acknowledged claims", ledger.claims.size())
        .put("acknowledged completes", ledger.completions.size())
        .put("acknowledged fails", ledger.failures.size())
        .put("lost", check.lost().size())
        .put("duplicated", check.duplicated().size())
        .put("invalid logs", check.invalidLogs().size())
        .put("wrong end state", wrongEnd)
        .put("claim p50 ms", fleet.claimLatency.percentileMs(50))
        .put("claim p99 ms", fleet.claimLatency.percentileMs(99))
        .put("max RSS of survivors MB", rss)
        .put("seconds from kill to all finished", afterKillSeconds)
        .put("elapsed s", (System.nanoTime() - started) / 1e9)
        .publish();

    assertTrue(fleet.errors.isEmpty(), () -> fleet.errors.size() + " unexpected answers, e.g. " + first(fleet.errors));
    assertTrue(check.invalidLogs().isEmpty(), () -> check.invalidLogs().size() + " invalid logs: " + first(check.invalidLogs()));
    assertTrue(check.lost().isEmpty(), () -> check.lost().size() + " acknowledged writes lost: " + first(check.lost()));
    assertTrue(check.duplicated().isEmpty(), () -> check.duplicated().size() + " duplicated: " + first(check.duplicated()));
    assertEquals(0, wrongEnd, () -> "tasks that did not end as scripted: " + wrong.subList(0, Math.min(10, wrongEnd)));
    assertEquals(TASKS, check.byExternalId().size());
    assertTrue(fleet.unanswered.get() > 0, "the kill cut no request: it happened too late to test anything");
  }

  private static String first(java.util.Collection<String> items) {
    return items.stream().limit(5).toList().toString();
  }

  private String leaderHolder() {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        PreparedStatement s = c.prepareStatement("SELECT holder FROM leader_leases WHERE expires_at > now()");
        ResultSet r = s.executeQuery()) {
      return r.next() ? r.getString(1) : null;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
