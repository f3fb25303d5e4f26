package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Poll;
import io.taskq.support.RawConnection;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server's metrics, recorded by taskq under Vert.x's names: one count, time and size per
 * answer, labelled by the contract's route template, method and status.
 */
class HttpServerMetricsTest extends ServerTest {

  private static final String CLAIM = "code=\"200\",method=\"POST\",route=\"/projects/{projectId}/tasks:claim\"";

  @Test
  void eachAnswerIsCountedTimedAndSizedUnderItsRouteTemplate() {
    long project = newProject();
    double requests = value("vertx_http_server_requests_total{" + CLAIM + "}");
    double timed = value("vertx_http_server_response_time_seconds_count{" + CLAIM + "}");
    double sized = value("vertx_http_server_response_bytes_count{" + CLAIM + "}");
    double bytes = value("vertx_http_server_response_bytes_sum{" + CLAIM + "}");
    long answered = 0;
    for (int i = 0; i < 3; i++) {
      answered += admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w").put("limit", 1))
          .expect(200).body().length();
    }
    assertEquals(requests + 3, value("vertx_http_server_requests_total{" + CLAIM + "}"));
    assertEquals(timed + 3, value("vertx_http_server_response_time_seconds_count{" + CLAIM + "}"));
    assertEquals(sized + 3, value("vertx_http_server_response_bytes_count{" + CLAIM + "}"));
    assertEquals(bytes + answered, value("vertx_http_server_response_bytes_sum{" + CLAIM + "}"), "the bodies' bytes");
    assertTrue(metrics().contains("\nvertx_http_server_active_connections "), "open connections");
  }

  @Test
  void aHeadRoutedAsAGetIsCountedOnceAsAHead() {
    String head = "vertx_http_server_requests_total{code=\"200\",method=\"HEAD\",route=\"/health/live\"}";
    String get = "vertx_http_server_requests_total{code=\"200\",method=\"GET\",route=\"/health/live\"}";
    double before = value(head);
    double gets = value(get);
    try (RawConnection connection = new RawConnection(server.port(), Duration.ofSeconds(10))) {
      assertEquals(200, connection.send("HEAD /health/live HTTP/1.1\r\nHost: x\r\n\r\n").readHeadOnly().status());
    }
    assertEquals(before + 1, value(head));
    assertEquals(gets, value(get), "not again as the GET it was routed as");
    assertEquals(0.0, value("vertx_http_server_active_requests{method=\"HEAD\"}"), "its second pass began nothing");
  }

  @Test
  void aPathTheContractDoesNotDescribeIsUndocumented() {
    String missing = "vertx_http_server_requests_total{code=\"404\",method=\"GET\",route=\"undocumented\"}";
    double before = value(missing);
    admin.get("/no/such/path/" + System.nanoTime()).expect(404);
    assertEquals(before + 1, value(missing), "one series for every unknown path, never the path itself");
    assertTrue(!metrics().contains("/no/such/path/"), "an unknown path never becomes a label");
  }

  @Test
  void aMadeUpMethodIsCountedAsOtherNeverUnderItsOwnName() {
    String other = "vertx_http_server_requests_total{code=\"501\",method=\"OTHER\",route=\"/health/live\"}";
    double before = value(other);
    try (RawConnection connection = new RawConnection(server.port(), Duration.ofSeconds(10))) {
      assertEquals(501, connection.send("FROBNICATE7 /health/live HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
    }
    assertEquals(before + 1, value(other));
    assertTrue(!metrics().contains("FROBNICATE7"), "a made-up method never becomes a label");
  }

  @Test
  void aRequestWhoseClientHangsUpIsAResetAndNoLongerActive() throws Exception {
    long project = newProject();
    String active = "vertx_http_server_active_requests{method=\"POST\"}";
    String resets = "vertx_http_server_request_resets_total{method=\"POST\"}";
    double activeBefore = value(active);
    double resetsBefore = value(resets);
    byte[] body = "{\"worker_id\":\"w\",\"limit\":1,\"wait_ms\":20000}".getBytes(StandardCharsets.UTF_8);
    try (RawConnection connection = new RawConnection(server.port(), Duration.ofSeconds(30))) {
      connection.send(("POST /projects/" + project + "/tasks:claim HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.ADMIN_KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      connection.send(body);
      Poll.until(() -> value(active), v -> v == activeBefore + 1, Duration.ofSeconds(10));
    }
    Poll.until(() -> value(resets), v -> v == resetsBefore + 1, Duration.ofSeconds(10));
    assertEquals(activeBefore, value(active));
  }

  private String metrics() {
    return anonymous().get("/metrics").expect(200).body().toString();
  }

  /** A series' value in a scrape, 0 when it is not there yet. */
  private double value(String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }
}
