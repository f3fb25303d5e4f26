package io.taskq.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.support.Poll;
import io.taskq.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL stopped and started again under load, taskq left running: while the database is
 * down every request is answered at once with a 503 problem carrying Retry-After (no hang, no
 * 500) and readiness says DOWN; once it is back, taskq serves again without a restart, and every
 * write acknowledged before, during or after the outage is in the database.
 */
@Tag("reliability")
class PostgresRestartTest {

  static final int TASKS = Integer.getInteger("taskq.reliability.restartTasks", 5_000);
  static final int WORKERS = 32;
  static final long SEED = Long.getLong("taskq.reliability.seed", System.nanoTime());
  /** A request to a taskq whose database is down must be answered within this, not hang. */
  static final Duration ANSWER_WHILE_DOWN = Duration.ofSeconds(10);

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void requestsAre503WithRetryAfterWhileTheDatabaseIsDownAndNothingAcknowledgedIsLost() throws Exception {
    System.out.println("PostgresRestartTest seed " + SEED + " (replay: -Dtaskq.reliability.seed=" + SEED + ")");
    long started = System.nanoTime();
    try (RestartablePostgres pg = RestartablePostgres.start();
        TestServer server = TestServer.startOn(pg.target("taskq"), config -> config)) {
      DatabaseTarget db = pg.target("taskq");
      Http http = new Http(server.vertx(), server.port(), 64, 30_000);
      long project = http.post("/projects", new JsonObject().put("name", "restart-" + UUID.randomUUID())).await()
          .json().getLong("id");
      String steady = "steady-" + UUID.randomUUID().toString().substring(0, 8);
      String lapsing = "lapsing-" + UUID.randomUUID().toString().substring(0, 8);
      JsonObject schema = new JsonObject().put("type", "object");
      assertEquals(201, http.post("/task-types", new JsonObject().put("name", steady).put("version", 1)
          .put("lease_seconds", 10).put("param_schema", schema)).await().status());
      assertEquals(201, http.post("/task-types", new JsonObject().put("name", lapsing).put("version", 1)
          .put("lease_seconds", 2).put("param_schema", schema)).await().status());

      Ledger ledger = new Ledger();
      Fleet fleet = new Fleet(server.vertx(), List.of(http), project, SEED, ledger);
      fleet.startWorkers(WORKERS);
      Future<Void> creation = fleet.create(steady, lapsing, 0, TASKS, 250, 4, 2);
      Waits.until(() -> Ledger.finishedTasks(db, project), n -> n >= TASKS / 5, Duration.ofMinutes(3), Duration.ofMillis(250));

      long unavailableBefore = fleet.unavailable.get();
      long stopAt = System.nanoTime();
      pg.stop();
      long readyDownAt = System.nanoTime();
      Poll.until(() -> http.get("/health/ready").await(), r -> r.status() == 503, ANSWER_WHILE_DOWN);
      double readyDownSeconds = (System.nanoTime() - readyDownAt) / 1e9;
      TreeMap<Integer, Integer> whileDown = new TreeMap<>();
      long slowest = 0;
      Http.Reply down = null;
      for (int i = 0; i < 20; i++) {
        long t = System.nanoTime();
        Http.Reply reply = switch (i % 4) {
          case 0 -> http.get("/projects/" + project).await();
          case 1 -> http.post("/projects/" + project + "/tasks", Fleet.taskBody(SEED, TASKS + i, steady, lapsing)).await();
          case 2 -> http.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "probe")).await();
          default -> http.get("/projects/" + project + "/tasks?limit=1").await();
        };
        slowest = Math.max(slowest, System.nanoTime() - t);
        whileDown.merge(reply.status(), 1, Integer::sum);
        if (reply.status() == 503) {
          down = reply;
        }
      }
      // The workers keep at it for as long as the database is down: until they too have seen 503s.
      Waits.until(fleet.unavailable::get, n -> n >= unavailableBefore + 3L * WORKERS, Duration.ofSeconds(60), Duration.ofMillis(50));
      Http.Reply readyWhileDown = http.get("/health/ready").await();
      double outageSeconds = (System.nanoTime() - stopAt) / 1e9;

      long restartAt = System.nanoTime();
      pg.startAgain();
      Poll.until(() -> http.get("/health/ready").await().status(), s -> s == 200, Duration.ofSeconds(60));
      double recoverySeconds = (System.nanoTime() - restartAt) / 1e9;
      Waits.until(() -> Ledger.finishedTasks(db, project), n -> n >= TASKS, Duration.ofMinutes(3), Duration.ofMillis(250));
      creation.await(60, TimeUnit.SECONDS);
      fleet.stop().await(60, TimeUnit.SECONDS);

      Ledger.Check check = ledger.check(db, project);
      List<String> wrong = check.wrongEndStates(SEED, TASKS);
      int wrongEnd = wrong.size();
      new Figures("PostgresRestartTest")
          .put("seed", SEED)
          .put("workers", WORKERS)
          .put("tasks checked", TASKS)
          .put("requests sent", fleet.requests.get() + 20)
          .put("faults injected", "1 PostgreSQL stop and start, " + fleet.scriptedFailures.get() + " scripted fails, "
              + fleet.abandoned.get() + " abandoned leases")
          .put("outage s", outageSeconds)
          .put("answered 503 with Retry-After", fleet.unavailable.get() + whileDown.getOrDefault(503, 0))
          .put("statuses of probes while down", whileDown)
          .put("slowest answer while down ms", slowest / 1_000_000)
          .put("readiness DOWN after s", readyDownSeconds)
          .put("recovered (ready) after restart s", recoverySeconds)
          .put("acknowledged creates", ledger.created.size())
          .put("acknowledged completes", ledger.completions.size())
          .put("acknowledged fails", ledger.failures.size())
          .put("lost", check.lost().size())
          .put("duplicated", check.duplicated().size())
          .put("invalid logs", check.invalidLogs().size())
          .put("wrong end state", wrongEnd)
          .put("elapsed s", (System.nanoTime() - started) / 1e9)
          .publish();

      assertEquals(20, whileDown.getOrDefault(503, 0), () -> "while down, every request is 503: " + whileDown);
      assertEquals("application/problem+json", down.contentType());
      assertEquals("https://taskq.dev/problems/unavailable", down.json().getString("type"));
      assertTrue(down.retryAfter() >= 1, "Retry-After on " + down);
      assertTrue(slowest < ANSWER_WHILE_DOWN.toNanos(), "answered, not held: slowest " + slowest / 1_000_000 + " ms");
      assertEquals(503, readyWhileDown.status());
      assertEquals("DOWN", readyWhileDown.json().getString("status"));
      assertTrue(fleet.errors.isEmpty(), () -> fleet.errors.size() + " unexpected answers, e.g. "
          + fleet.errors.stream().limit(5).toList());
      assertTrue(check.invalidLogs().isEmpty(), () -> "invalid logs: " + check.invalidLogs().stream().limit(5).toList());
      assertTrue(check.lost().isEmpty(), () -> "lost: " + check.lost().stream().limit(5).toList());
      assertTrue(check.duplicated().isEmpty(), () -> "duplicated: " + check.duplicated().stream().limit(5).toList());
      assertEquals(0, wrongEnd, () -> "not as scripted: " + wrong.subList(0, Math.min(10, wrongEnd)));
    }
  }
}
