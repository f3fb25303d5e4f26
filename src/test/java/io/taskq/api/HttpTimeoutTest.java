package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.config.HttpLimits;
import io.taskq.config.TaskqConfig;
import io.taskq.support.RawConnection;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Slow and silent clients over a raw socket, against short timeouts. Every wait is a socket read
 * bounded by the timeout under test plus a margin: the read returning is the assertion.
 */
class HttpTimeoutTest extends ServerTest {

  private static final Duration HEADER = Duration.ofMillis(400);
  private static final Duration BODY = Duration.ofMillis(400);
  private static final Duration IDLE = Duration.ofMillis(1500);
  private static final Duration MARGIN = Duration.ofSeconds(3);
  private static final String AUTH = "Authorization: Bearer " + TestServer.ADMIN_KEY + "\r\n";

  @Override
  protected TaskqConfig configure(TaskqConfig config) {
    return config.withHttpLimits(new HttpLimits(HEADER, BODY, IDLE, HttpLimits.DEFAULT_MAX_CONNECTIONS));
  }

  private RawConnection connect(Duration readTimeout) {
    return new RawConnection(server.port(), readTimeout);
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void aRequestWhoseHeadNeverEndsIsClosedAfterTheHeaderTimeout() {
    try (RawConnection connection = connect(HEADER.plus(MARGIN))) {
      long start = System.nanoTime();
      connection.send("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      assertTrue(connection.closedByServer(), "closed within the header timeout plus " + MARGIN);
      assertTrue(millisSince(start) >= HEADER.toMillis() - 50, "not before the header timeout: " + millisSince(start));
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() {
    try (RawConnection connection = connect(HEADER.plus(MARGIN))) {
      assertTrue(connection.closedByServer());
    }
  }

  @Test
  void aBodyShorterThanItsContentLengthIsARequestTimeoutProblem() {
    try (RawConnection connection = connect(BODY.plus(MARGIN))) {
      long start = System.nanoTime();
      RawConnection.Response response = connection.send("POST /projects HTTP/1.1\r\nHost: x\r\n" + AUTH
          + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":").read();
      assertEquals(408, response.status(), response::body);
      assertEquals("application/problem+json", response.header("Content-Type"));
      JsonObject problem = new JsonObject(response.body());
      assertEquals(408, problem.getInteger("status"));
      assertEquals("https://taskq.dev/problems/request-timeout", problem.getString("type"));
      assertTrue(millisSince(start) >= BODY.toMillis() - 50, "not before the body timeout");
      assertTrue(connection.closedByServer(), "then the connection closes");
    }
  }

  @Test
  void aKeptAliveConnectionServesRequestsAndClosesOnlyAfterTheIdleTimeout() {
    try (RawConnection connection = connect(IDLE.dividedBy(3))) {
      assertEquals(200, connection.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
      assertFalse(connection.closedByServer(), "still open a third of the idle timeout later");
      assertEquals(200, connection.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
      assertFalse(connection.closedByServer(), "each request starts the idle time again");
      long start = System.nanoTime();
      connection.readTimeout(IDLE.plus(MARGIN));
      assertTrue(connection.closedByServer(), "closed once idle");
      assertTrue(millisSince(start) >= IDLE.toMillis() / 2, "not long before the idle timeout: " + millisSince(start));
    }
  }

  @Test
  void aLongPollLongerThanTheIdleTimeoutIsAnsweredAndItsConnectionKept() {
    long project = newProject();
    int waitMs = (int) IDLE.toMillis() + 1000;
    String body = new JsonObject().put("worker_id", "slow-poller").put("wait_ms", waitMs).encode();
    try (RawConnection connection = connect(Duration.ofMillis(waitMs).plus(MARGIN))) {
      long start = System.nanoTime();
      RawConnection.Response claimed = connection.send("POST /projects/" + project + "/tasks:claim HTTP/1.1\r\nHost: x\r\n" + AUTH
          + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).read();
      assertEquals(200, claimed.status(), claimed::body);
      assertEquals(0, new JsonObject(claimed.body()).getJsonArray("tasks").size());
      assertTrue(millisSince(start) >= waitMs - 50, "answered at the end of its wait, not cut: " + millisSince(start));
      connection.readTimeout(IDLE.dividedBy(3));
      assertFalse(connection.closedByServer(), "idle time counts from the answer, not from the request");
      assertEquals(200, connection.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
      connection.readTimeout(IDLE.plus(MARGIN));
      assertTrue(connection.closedByServer(), "and the idle timeout still closes it once nothing is in progress");
    }
  }
}
