package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.RawConnection;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * HTTP spoken wrongly, over a raw socket: every answer the server can still give is a problem
 * document; HEAD answers wherever GET does; 405 says what is allowed.
 */
class HttpProtocolTest extends ServerTest {

  private static final Duration READ = Duration.ofSeconds(10);
  private static final String AUTH = "Authorization: Bearer " + TestServer.ADMIN_KEY + "\r\n";

  private RawConnection connect() {
    return new RawConnection(server.port(), READ);
  }

  /** Asserts a problem+json answer of this status, with our own words and nothing of the libraries underneath. */
  private static JsonObject assertProblem(RawConnection.Response response, int status) {
    assertEquals(status, response.status(), () -> "status; body: " + response.body());
    assertEquals("application/problem+json", response.header("Content-Type"));
    JsonObject problem = new JsonObject(response.body());
    assertEquals(status, problem.getInteger("status"));
    assertTrue(problem.getString("type").startsWith("https://taskq.dev/problems/"), problem::encode);
    assertFalse(problem.getString("title").isBlank());
    assertFalse(problem.getString("detail").isBlank());
    for (String internal : new String[] {"netty", "vertx", "Exception", "io."}) {
      assertFalse(response.body().contains(internal), () -> "internals in " + response.body());
    }
    return problem;
  }

  private RawConnection.Response exchangeAndExpectClose(String request, int status) {
    try (RawConnection connection = connect()) {
      RawConnection.Response response = connection.send(request).read();
      assertProblem(response, status);
      assertTrue(connection.closedByServer(), "the connection closes after a request that cannot be framed");
      return response;
    }
  }

  @Test
  void aMalformedRequestLineIsABadRequestProblem() {
    exchangeAndExpectClose("GARBAGE\r\n\r\n", 400);
    exchangeAndExpectClose("GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  }

  @Test
  void aMalformedHeaderIsABadRequestProblem() {
    exchangeAndExpectClose("GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400);
    exchangeAndExpectClose("GET /health/live HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400);
    exchangeAndExpectClose("POST /projects HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400);
  }

  @Test
  void aTenKilobyteUriIsUriTooLong() {
    exchangeAndExpectClose("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
  }

  @Test
  void seventyKilobytesOfHeadersAreHeaderFieldsTooLarge() {
    String headers = ("X-Filler: " + "b".repeat(1000) + "\r\n").repeat(70);
    exchangeAndExpectClose("GET /health/live HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n", 431);
  }

  @Test
  void aMethodHttpDoesNotDefineIsNotImplementedEvenWithoutAKey() {
    try (RawConnection connection = connect()) {
      assertProblem(connection.send("FOO /projects HTTP/1.1\r\nHost: x\r\n\r\n").read(), 501);
      assertProblem(connection.send("BREW /health/live HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n").read(), 501);
      // the body of such a request is framed as usual, so the connection stays usable
      assertEquals(200, connection.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
    }
  }

  @Test
  void aTransferCodingOtherThanChunkedIsNotImplementedAndClosesTheConnection() {
    exchangeAndExpectClose("POST /projects HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Type: application/json\r\n"
        + "Transfer-Encoding: gzip\r\n\r\n{\"name\":\"smuggled\"}", 501);
    exchangeAndExpectClose("POST /projects HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Type: application/json\r\n"
        + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501);
  }

  @Test
  void badPercentEncodingInThePathIsABadRequestProblem() {
    try (RawConnection connection = connect()) {
      JsonObject problem = assertProblem(connection.send("GET /projects/%zz HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n").read(), 400);
      assertTrue(problem.getString("detail").contains("%"), problem::encode);
      assertProblem(connection.send("GET /projects/%zz HTTP/1.1\r\nHost: x\r\n\r\n").read(), 400);
    }
  }

  @Test
  void aChunkExtensionIsAcceptedAndIgnored() {
    String name = "chunk-ext-" + System.nanoTime();
    String json = "{\"name\":\"" + name + "\"}";
    String chunks = Integer.toHexString(5) + ";ext=1\r\n" + json.substring(0, 5) + "\r\n"
        + Integer.toHexString(json.length() - 5) + ";a=b;quoted=\"x y\"\r\n" + json.substring(5) + "\r\n"
        + "0;last=1\r\n\r\n";
    try (RawConnection connection = connect()) {
      RawConnection.Response created = connection.send("POST /projects HTTP/1.1\r\nHost: x\r\n" + AUTH
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks).read();
      assertEquals(201, created.status(), created::body);
      assertEquals(name, new JsonObject(created.body()).getString("name"));
      // and the connection is still good for the next request
      assertEquals(200, connection.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
    }
  }

  // --- HEAD and 405, through an ordinary HTTP client ---

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(READ).build();

  private HttpResponse<String> call(String method, String path, boolean withKey) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
        .timeout(READ).method(method, HttpRequest.BodyPublishers.noBody());
    if (withKey) {
      request.header("Authorization", "Bearer " + TestServer.ADMIN_KEY);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void assertHeadAnswersAsGet(String path, boolean withKey, boolean stableBody) {
    HttpResponse<String> get = call("GET", path, withKey);
    HttpResponse<String> head = call("HEAD", path, withKey);
    assertEquals(get.statusCode(), head.statusCode(), () -> "HEAD " + path + ": " + head.headers().map());
    assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"), path);
    assertEquals("", head.body(), path);
    String length = head.headers().firstValue("Content-Length").orElse(null);
    assertNotNull(length, () -> "HEAD " + path + " tells the length GET would send");
    if (stableBody) {
      assertEquals(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, Integer.parseInt(length), path);
    }
  }

  @Test
  void headAnswersWhereverGetDoes() {
    long project = newProject();
    assertHeadAnswersAsGet("/health/live", false, true);
    assertHeadAnswersAsGet("/health/ready", false, true);
    assertHeadAnswersAsGet("/openapi.yaml", false, true);
    assertHeadAnswersAsGet("/metrics", false, false); // its counters move between two scrapes
    assertHeadAnswersAsGet("/projects/" + project, true, true);
    assertHeadAnswersAsGet("/projects/" + project + "/tasks?limit=5", true, true);
    assertEquals(200, call("HEAD", "/health/live", false).statusCode());
  }

  @Test
  void headWithoutAKeyIsUnauthorizedLikeGet() {
    HttpResponse<String> head = call("HEAD", "/projects", false);
    assertEquals(401, head.statusCode());
    assertTrue(head.headers().firstValue("WWW-Authenticate").isPresent());
    assertEquals("application/problem+json", head.headers().firstValue("Content-Type").orElse(null));
    assertHeadAnswersAsGet("/projects", false, true);
  }

  private static Set<String> allow(HttpResponse<String> response) {
    String allow = response.headers().firstValue("Allow").orElse("");
    return Arrays.stream(allow.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
  }

  private void assertMethodNotAllowed(String method, String path, Set<String> allowed) {
    HttpResponse<String> response = call(method, path, true);
    assertEquals(405, response.statusCode(), () -> method + " " + path + ": " + response.body());
    assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(null));
    if (!"HEAD".equals(method)) {
      assertEquals(405, new JsonObject(response.body()).getInteger("status"));
    }
    assertEquals(new TreeSet<>(allowed), allow(response), () -> method + " " + path);
  }

  @Test
  void methodNotAllowedListsTheMethodsThePathAnswers() {
    assertMethodNotAllowed("DELETE", "/health/live", Set.of("GET", "HEAD"));
    assertMethodNotAllowed("PUT", "/projects", Set.of("GET", "HEAD", "POST"));
    assertMethodNotAllowed("GET", "/projects/1/tasks:claim", Set.of("POST"));
    assertMethodNotAllowed("HEAD", "/projects/1/tasks:claim", Set.of("POST"));
    assertMethodNotAllowed("DELETE", "/projects/1/tasks/2", Set.of("GET", "HEAD", "PATCH"));
    assertMethodNotAllowed("GET", "/projects/1/tasks/2:cancel", Set.of("POST"));
    assertMethodNotAllowed("PATCH", "/api-keys/3", Set.of("DELETE"));
    // without a key too: what a path allows is in the published document
    HttpResponse<String> anonymous = call("DELETE", "/health/live", false);
    assertEquals(405, anonymous.statusCode());
    assertEquals(Set.of("GET", "HEAD"), allow(anonymous));
  }
}
