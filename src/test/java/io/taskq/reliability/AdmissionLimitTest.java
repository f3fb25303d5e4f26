package io.taskq.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.config.TaskqConfig;
import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admission limit, made exact: creates are held inside PostgreSQL (a transaction keeps the
 * project row locked, so their foreign-key check waits) until the instance has its limit of
 * requests in flight; what comes next is shed at once.
 */
@Tag("reliability")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AdmissionLimitTest extends ServerTest {

  static final int LIMIT = 4;

  @Override
  protected TaskqConfig configure(TaskqConfig config) {
    return config.withMaxRequestsInFlight(LIMIT);
  }

  private Http http(int connections) {
    return new Http(server.vertx(), server.port(), connections, 30_000);
  }

  /** Holds the project's row so that creates in it wait inside PostgreSQL until {@link Transaction#commit()}. */
  private Transaction lockProject(SqlConnection connection, long project) {
    Transaction tx = connection.begin().await();
    connection.preparedQuery("SELECT id FROM projects WHERE id = $1 FOR UPDATE").execute(Tuple.of(project)).await();
    return tx;
  }

  private List<Future<Http.Reply>> heldCreates(Http http, long project, String type, int count) {
    List<Future<Http.Reply>> creates = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      creates.add(http.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)));
    }
    Poll.until(this::inFlight, n -> n == count, Duration.ofSeconds(30));
    return creates;
  }

  private double inFlight() {
    return gauge("taskq_requests_in_flight");
  }

  private double gauge(String name) {
    String metrics = http(1).get("/metrics").await().body().toString();
    Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.E+-]+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0; // a counter appears with its first count
  }

  @Test
  void aRequestBeyondTheLimitIsShedAt503WithRetryAfterAndTheHeldOnesStillSucceed() throws Exception {
    long project = newProject();
    String type = newType();
    Http http = http(16);
    SqlConnection connection = server.sql().getConnection().await();
    try {
      Transaction tx = lockProject(connection, project);
      List<Future<Http.Reply>> held = heldCreates(http, project, type, LIMIT);
      double shedBefore = gauge("taskq_shed_requests_total");

      long start = System.nanoTime();
      Http.Reply shed = http.get("/projects/" + project).await();
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, shed.status(), shed::toString);
      assertEquals("application/problem+json", shed.contentType());
      assertEquals("https://taskq.dev/problems/unavailable", shed.json().getString("type"));
      assertTrue(shed.retryAfter() >= 1, "Retry-After: " + shed.headers().get("Retry-After"));
      assertTrue(tookMs < 5_000, "shed at once, not after a wait: " + tookMs + " ms");
      assertEquals(shedBefore + 1, gauge("taskq_shed_requests_total"));
      // An unauthenticated request is shed just the same: the limit comes before the key look-up.
      Http anonymous = new Http(server.vertx(), server.port(), 1, 30_000, null);
      assertEquals(503, anonymous.get("/projects/" + project).await().status());
      // Probes and metrics are never shed.
      assertEquals(200, anonymous.get("/health/live").await().status());

      tx.commit().await();
      for (Future<Http.Reply> create : held) {
        assertEquals(201, create.await(30, TimeUnit.SECONDS).status());
      }
      Poll.until(this::inFlight, n -> n == 0, Duration.ofSeconds(30));
      assertEquals(200, http.get("/projects/" + project).await().status());
    } finally {
      connection.close().await();
    }
  }

  @Test
  void longPollsWaitingForWorkDoNotCountAgainstTheLimit() throws Exception {
    long project = newProject();
    String type = newType();
    Http http = http(16);
    int waiting = 3 * LIMIT;
    List<Future<Http.Reply>> polls = new ArrayList<>();
    for (int i = 0; i < waiting; i++) {
      polls.add(http.post("/projects/" + project + "/tasks:claim",
          new JsonObject().put("worker_id", "lp" + i).put("wait_ms", 20_000)));
    }
    Poll.until(() -> server.server().waitingClaims(), n -> n == waiting, Duration.ofSeconds(30));
    assertEquals(0.0, inFlight());
    assertEquals(200, http.get("/projects/" + project).await().status());
    for (int i = 0; i < waiting; i++) {
      assertEquals(201, http.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)).await().status());
    }
    for (Future<Http.Reply> poll : polls) {
      Http.Reply reply = poll.await(30, TimeUnit.SECONDS);
      assertEquals(200, reply.status(), reply::toString);
      assertEquals(1, reply.json().getJsonArray("tasks").size());
    }
  }

  @Test
  void aClientThatHangsUpGivesItsPlaceBack() {
    long project = newProject();
    String type = newType();
    SqlConnection connection = server.sql().getConnection().await();
    try {
      Transaction tx = lockProject(connection, project);
      Http leaving = http(LIMIT);
      heldCreates(leaving, project, type, LIMIT);
      leaving.close();
      Poll.until(this::inFlight, n -> n == 0, Duration.ofSeconds(30));
      assertEquals(200, http(1).get("/projects/" + project).await().status());
      tx.commit().await();
    } finally {
      connection.close().await();
    }
  }
}
