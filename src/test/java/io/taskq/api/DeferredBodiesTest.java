package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.app.TaskqServer;
import io.taskq.config.HttpLimits;
import io.taskq.config.TaskqConfig;
import io.taskq.support.Poll;
import io.taskq.support.RawConnection;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A request's body is read only after its key is checked, a bulk request's only once its turn
 * has come too ({@link TaskqServer#BULK_REQUESTS_AT_ONCE} bulks at once per instance). Bulks are held inside PostgreSQL by a transaction that keeps the
 * project's row locked, so that the turns stay taken as long as the test needs.
 */
class DeferredBodiesTest extends ServerTest {

  private static final Duration BODY = Duration.ofMillis(400);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Override
  protected TaskqConfig configure(TaskqConfig config) {
    return config.withHttpLimits(new HttpLimits(HttpLimits.DEFAULT_HEADER_TIMEOUT, BODY, HttpLimits.DEFAULT_IDLE_TIMEOUT,
        HttpLimits.DEFAULT_MAX_CONNECTIONS));
  }

  private static byte[] bulkBody(String type, int tasks) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < tasks; i++) {
      items.add(new JsonObject().put("type", type));
    }
    return new JsonObject().put("tasks", items).encode().getBytes(StandardCharsets.UTF_8);
  }

  private static String bulkHead(long project, String key, int length) {
    return "POST /projects/" + project + "/tasks:bulk HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
        + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n";
  }

  private RawConnection connect() {
    return new RawConnection(server.port(), WAIT);
  }

  /** A bulk of {@code tasks} sent whole; its answer is read later. */
  private RawConnection sentBulk(long project, String type, int tasks) {
    byte[] body = bulkBody(type, tasks);
    return connect().send(bulkHead(project, TestServer.ADMIN_KEY, body.length)).send(body);
  }

  /**
   * As many bulks of {@code tasks} each as run at once, sent while the project is locked, once
   * every one of them waits inside PostgreSQL: every turn is taken until the commit.
   */
  private List<RawConnection> everyTurnHeld(long project, String type, int tasks) {
    List<RawConnection> held = new ArrayList<>();
    for (int i = 0; i < TaskqServer.BULK_REQUESTS_AT_ONCE; i++) {
      held.add(sentBulk(project, type, tasks));
    }
    Poll.until(() -> sql("SELECT count(*) FROM pg_locks WHERE NOT granted").iterator().next().getLong(0),
        n -> n >= TaskqServer.BULK_REQUESTS_AT_ONCE, WAIT);
    return held;
  }

  private static void closeAll(List<RawConnection> connections) {
    connections.forEach(RawConnection::close);
  }

  /** Holds the project's row so that bulks into it wait inside PostgreSQL until the commit. */
  private Transaction lockProject(SqlConnection connection, long project) {
    Transaction tx = connection.begin().await();
    connection.preparedQuery("SELECT id FROM projects WHERE id = $1 FOR UPDATE").execute(Tuple.of(project)).await();
    return tx;
  }

  private double gauge(String series) {
    String metrics = anonymous().get("/metrics").expect(200).body().toString();
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }

  private double waiting() {
    return gauge("taskq_bulk_requests_waiting");
  }

  private long tasksOf(long project) {
    return sql("SELECT count(*) FROM tasks WHERE project_id = $1", project).iterator().next().getLong(0);
  }

  @Test
  void aBulkWithAnUnknownKeyIsRefusedBeforeItsBodyIsSentAndTheConnectionServesTheNext() {
    byte[] body = bulkBody("t", 3);
    try (RawConnection connection = connect()) {
      RawConnection.Response refused = connection.send(bulkHead(newProject(), "tq_unknown", body.length)).read();
      assertEquals(401, refused.status(), "answered on the head alone, not after a body timeout: " + refused.body());
      connection.send(body);
      assertEquals(200, connection.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").read().status(),
          "the unread body drained, the connection carries the next request");
    }
  }

  @Test
  void noBodyIsReadBeforeTheKeyIsChecked() {
    try (RawConnection connection = connect()) {
      RawConnection.Response refused = connection.send("POST /projects HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n").read();
      assertEquals(401, refused.status(), "answered on the head alone, not after a body timeout: " + refused.body());
    }
  }

  @Test
  void aBulkDeclaredLargerThanTheLimitIs413WithoutWaitingForItsTurnOrItsBody() {
    long project = newProject();
    String type = newType();
    SqlConnection lock = server.sql().getConnection().await();
    try (RawConnection huge = connect()) {
      Transaction tx = lockProject(lock, project);
      List<RawConnection> held = everyTurnHeld(project, type, 2);
      try {
        long tooLarge = 64L * 1024 * 1024 + 1; // over the limit whatever the heap
        RawConnection.Response refused = huge.send("POST /projects/" + project + "/tasks:bulk HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer " + TestServer.ADMIN_KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
            + tooLarge + "\r\n\r\n").read();
        assertEquals(413, refused.status(), refused::body);
        assertEquals(0.0, waiting(), "it never waited for a turn");
        tx.commit().await();
        held.forEach(c -> c.read().expect(201));
      } finally {
        closeAll(held);
      }
    } finally {
      lock.close().await();
    }
  }

  @Test
  void aBulkWaitingForItsTurnHasNoBodyDeadlineAndReadsItsBodyOnceAdmitted() {
    long project = newProject();
    String type = newType();
    SqlConnection lock = server.sql().getConnection().await();
    try (RawConnection third = connect()) {
      Transaction tx = lockProject(lock, project);
      List<RawConnection> held = everyTurnHeld(project, type, 7);
      try {
        byte[] body = bulkBody(type, 11);
        third.send(bulkHead(project, TestServer.ADMIN_KEY, body.length));
        Poll.until(this::waiting, n -> n == 1.0, WAIT);
        assertTrue(third.silentFor(BODY.multipliedBy(3)),
            "no 408 while it waits for its turn, though its body has not come for three body timeouts");
        tx.commit().await();
        held.forEach(c -> c.read().expect(201));
        Poll.until(this::waiting, n -> n == 0.0, WAIT);
        JsonObject answer = third.send(body).read().expect(201).json();
        assertEquals(11, answer.getJsonArray("created").size(), answer::encode);
      } finally {
        closeAll(held);
      }
    } finally {
      lock.close().await();
    }
    assertEquals(7L * TaskqServer.BULK_REQUESTS_AT_ONCE + 11, tasksOf(project));
  }

  @Test
  void aClientThatLeavesWhileItsBulkIsWrittenKeepsTheTurnUntilTheWriteEnds() {
    long project = newProject();
    String type = newType();
    SqlConnection lock = server.sql().getConnection().await();
    try {
      Transaction tx = lockProject(lock, project);
      List<RawConnection> held = everyTurnHeld(project, type, 3);
      RawConnection leaving = held.remove(0);
      try (RawConnection third = connect()) {
        byte[] body = bulkBody(type, 4);
        third.send(bulkHead(project, TestServer.ADMIN_KEY, body.length)).send(body);
        Poll.until(this::waiting, n -> n == 1.0, WAIT);
        String active = "vertx_http_server_active_requests{method=\"POST\"}";
        double activeBefore = gauge(active);
        leaving.close();
        Poll.until(() -> gauge(active), n -> n == activeBefore - 1, WAIT);
        assertEquals(1.0, waiting(), "the leaver's tasks are still being written: the third bulk still waits");
        tx.commit().await();
        held.forEach(c -> c.read().expect(201));
        assertEquals(4, third.read().expect(201).json().getJsonArray("created").size());
      } finally {
        closeAll(held);
      }
    } finally {
      lock.close().await();
    }
    assertEquals(3L * TaskqServer.BULK_REQUESTS_AT_ONCE + 4, tasksOf(project), "the leaver's bulk was written all the same");
    Poll.until(this::waiting, n -> n == 0.0, WAIT);
  }
}
