package io.taskq.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.support.TestDatabase;
import io.taskq.support.TestServer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The classic cause of queue-table bloat: a REPEATABLE READ transaction that has read something
 * stays open (an analytics query, a forgotten session), so no row version deleted after its
 * snapshot can be vacuumed, while tasks flow at a steady rate. taskq must keep working without
 * errors; the test reports claim latency and the dead tuples of {@code tasks} per 10-second
 * window (printed, and written to target/reliability/held-xmin.csv). It does not assert speed.
 * {@code -Dtaskq.reliability.xminSeconds=600} holds the snapshot for longer.
 */
@Tag("reliability")
class HeldXminTest {

  static final int HOLD_SECONDS = Integer.getInteger("taskq.reliability.xminSeconds", 120);
  static final int RATE_PER_SECOND = Integer.getInteger("taskq.reliability.xminRate", 300);
  static final int WORKERS = 16;
  static final Duration WINDOW = Duration.ofSeconds(10);
  static final long IDLE_POLL_MS = 50;

  /**
   * The hold is configurable, so the timeout follows it: the hold plus four minutes to set up and
   * drain (the annotation only lifts the suite's default of 2 minutes).
   */
  @Test
  @Timeout(value = 1, unit = TimeUnit.HOURS)
  void tasksKeepFlowingWithoutErrorsWhileATransactionHoldsBackVacuum() {
    assertTimeoutPreemptively(Duration.ofSeconds(HOLD_SECONDS + 240), this::flowWhileXminIsHeld);
  }

  private void flowWhileXminIsHeld() throws Exception {
    DatabaseTarget db = TestDatabase.fresh("held_xmin");
    try (TestServer server = TestServer.startOn(db, config -> config);
        Connection holder = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        Connection stats = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
      Vertx vertx = server.vertx();
      Http http = new Http(vertx, server.port(), 64, 60_000);
      long project = http.post("/projects", new JsonObject().put("name", "xmin-" + UUID.randomUUID())).await()
          .json().getLong("id");
      String type = "t-" + UUID.randomUUID().toString().substring(0, 8);
      assertEquals(201, http.post("/task-types", new JsonObject().put("name", type).put("version", 1)
          .put("param_schema", new JsonObject().put("type", "object"))).await().status());

      holder.setAutoCommit(false);
      holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      long heldXmin;
      try (Statement s = holder.createStatement(); ResultSet r = s.executeQuery(
          "SELECT count(*), txid_current()::text, pg_snapshot_xmin(pg_current_snapshot())::text FROM tasks")) {
        r.next();
        heldXmin = Long.parseLong(r.getString(3));
      }

      Flow flow = new Flow(vertx, http, project, type);
      StringBuilder csv = new StringBuilder("window_end_s,created,completed,backlog,claim_p50_ms,claim_p99_ms,"
          + "tasks_dead_tuples,tasks_live_tuples,autovacuums\n");
      long started = System.nanoTime();
      AtomicLong maxDead = new AtomicLong();
      flow.start(RATE_PER_SECOND);
      Promise<Void> held = Promise.promise();
      long[] lastCounts = new long[2];
      vertx.setPeriodic(WINDOW.toMillis(), id -> vertx.executeBlocking(() -> {
        long[] dead = deadTuples(stats);
        maxDead.accumulateAndGet(dead[0], Math::max);
        Latencies window = flow.claimLatency.drain();
        long created = flow.created.size();
        long completed = flow.completed.get();
        String row = String.format(Locale.ROOT, "%.0f,%d,%d,%d,%.1f,%.1f,%d,%d,%d",
            (System.nanoTime() - started) / 1e9, created - lastCounts[0], completed - lastCounts[1], created - completed,
            window.percentileMs(50), window.percentileMs(99), dead[0], dead[1], dead[2]);
        lastCounts[0] = created;
        lastCounts[1] = completed;
        csv.append(row).append('\n');
        System.out.println("HeldXminTest window: " + row);
        if (System.nanoTime() - started >= HOLD_SECONDS * 1_000_000_000L) {
          vertx.cancelTimer(id);
          held.tryComplete();
        }
        return null;
      }));
      held.future().await(HOLD_SECONDS + 60, TimeUnit.SECONDS);
      long xminStillHeld;
      try (Statement s = stats.createStatement(); ResultSet r = s.executeQuery(
          "SELECT min(backend_xmin::text::bigint) FROM pg_stat_activity WHERE datname = current_database()")) {
        r.next();
        xminStillHeld = r.getLong(1);
      }
      holder.rollback();
      flow.stopCreating();
      Waits.until(() -> flow.createsInFlight.get() == 0 && flow.completed.get() >= flow.created.size(), done -> done,
          Duration.ofMinutes(2), Duration.ofMillis(100));
      flow.stop().await(60, TimeUnit.SECONDS);
      long stored = count(stats, "SELECT count(*) FROM tasks WHERE project_id = " + project + " AND status = 'completed'");
      Figures.write("held-xmin.csv", csv.toString());
      new Figures("HeldXminTest")
          .put("snapshot held s", (System.nanoTime() - started) / 1e9)
          .put("target rate/s", RATE_PER_SECOND)
          .put("requests sent", flow.requests.get())
          .put("tasks created", flow.created.size())
          .put("tasks completed", flow.completed.get())
          .put("completed in database", stored)
          .put("max dead tuples of tasks", maxDead.get())
          .put("errors", flow.errors.size())
          .put("lost", flow.created.size() - stored)
          .put("duplicated", Math.max(0, flow.completed.get() - flow.created.size()))
          .put("windows", "target/reliability/held-xmin.csv")
          .publish();

      assertTrue(flow.errors.isEmpty(), () -> flow.errors.size() + " errors, e.g. " + flow.errors.stream().limit(5).toList());
      assertTrue(xminStillHeld > 0 && xminStillHeld <= heldXmin, "the snapshot held vacuum back to xmin " + heldXmin
          + " for the whole run (oldest xmin at its end: " + xminStillHeld + ")");
      assertTrue(flow.created.size() >= RATE_PER_SECOND, "tasks flowed: " + flow.created.size());
      assertEquals(flow.created.size(), flow.completed.get(), "every task created was claimed and completed");
      assertEquals(flow.created.size(), stored, "every acknowledged complete is stored");
    }
  }

  /** n_dead_tup, n_live_tup and autovacuum_count of tasks. */
  private static long[] deadTuples(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
        SELECT n_dead_tup, n_live_tup, autovacuum_count FROM pg_stat_user_tables WHERE relname = 'tasks'""")) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
    }
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Creates at a steady rate (one create a request), and polling workers claiming up to 10 and completing them in one batch. */
  private static final class Flow {
    final Vertx vertx;
    final Http http;
    final long project;
    final String type;
    final AtomicBoolean creating = new AtomicBoolean(true);
    final AtomicBoolean stopping = new AtomicBoolean();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong working = new AtomicLong();
    /** Creates sent and not yet answered: a task they create after the wait below would be left unclaimed. */
    final AtomicLong createsInFlight = new AtomicLong();
    final Map<Long, Boolean> created = new ConcurrentHashMap<>();
    final Latencies claimLatency = new Latencies();
    final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    long creator;

    Flow(Vertx vertx, Http http, long project, String type) {
      this.vertx = vertx;
      this.http = http;
      this.project = project;
      this.type = type;
    }

    void start(int ratePerSecond) {
      int perTick = Math.max(1, ratePerSecond / 10);
      creator = vertx.setPeriodic(100, id -> {
        if (!creating.get()) {
          return;
        }
        for (int i = 0; i < perTick; i++) {
          requests.incrementAndGet();
          createsInFlight.incrementAndGet();
          http.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)).onComplete(ar -> {
            if (ar.succeeded() && ar.result().status() == 201) {
              created.put(ar.result().json().getLong("id"), true);
            } else {
              errors.add("create: " + (ar.succeeded() ? ar.result() : ar.cause()));
            }
            createsInFlight.decrementAndGet();
          });
        }
      });
      for (int i = 0; i < WORKERS; i++) {
        String worker = "x" + i;
        working.incrementAndGet();
        vertx.runOnContext(v -> claim(worker));
      }
    }

    void stopCreating() {
      creating.set(false);
      vertx.cancelTimer(creator);
    }

    io.vertx.core.Future<Void> stop() {
      stopping.set(true);
      Promise<Void> done = Promise.promise();
      vertx.setPeriodic(20, id -> {
        if (working.get() == 0) {
          vertx.cancelTimer(id);
          done.tryComplete();
        }
      });
      return done.future();
    }

    private void claim(String worker) {
      if (stopping.get()) {
        working.decrementAndGet();
        return;
      }
      long start = System.nanoTime();
      requests.incrementAndGet();
      // No long-poll: the latency measured is the claim's own, not a wait for work.
      http.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", worker).put("limit", 10))
          .compose(reply -> {
            claimLatency.record(System.nanoTime() - start);
            if (reply.status() != 200) {
              errors.add("claim: " + reply);
              return io.vertx.core.Future.succeededFuture(false);
            }
            JsonArray tasks = reply.json().getJsonArray("tasks");
            if (tasks.isEmpty()) {
              return io.vertx.core.Future.succeededFuture(false);
            }
            JsonArray completions = new JsonArray();
            for (int i = 0; i < tasks.size(); i++) {
              JsonObject t = tasks.getJsonObject(i);
              completions.add(new JsonObject().put("id", t.getLong("id")).put("lease_id", t.getString("lease_id")));
            }
            requests.incrementAndGet();
            return http.post("/projects/" + project + "/tasks:complete", new JsonObject().put("completions", completions))
                .map(done -> {
                  if (done.status() != 200) {
                    errors.add("complete: " + done);
                    return true;
                  }
                  JsonArray results = done.json().getJsonArray("results");
                  for (int i = 0; i < results.size(); i++) {
                    if ("completed".equals(results.getJsonObject(i).getString("outcome"))) {
                      completed.incrementAndGet();
                    } else {
                      errors.add("complete item: " + results.getJsonObject(i));
                    }
                  }
                  return true;
                });
          }).onComplete(ar -> {
            if (Boolean.TRUE.equals(ar.result())) {
              claim(worker);
            } else {
              vertx.setTimer(IDLE_POLL_MS, id -> claim(worker)); // a polling worker's pause when the queue is empty
            }
          });
    }
  }
}
