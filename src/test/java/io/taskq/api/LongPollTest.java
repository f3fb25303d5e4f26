package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Long-poll claims, with a second instance on the same database. */
class LongPollTest extends ServerTest {

  private TestServer other;
  private Api otherApi;

  @BeforeAll
  void startSecondInstance() {
    other = TestServer.startOn(server.database(), c -> c);
    otherApi = new Api(other.vertx(), other.port(), TestServer.ADMIN_KEY);
  }

  @AfterAll
  void stopSecondInstance() throws Exception {
    other.close();
  }

  private Future<Api.Response> longPoll(Api api, long project, int waitMs) {
    return api.postAsync("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "lp").put("wait_ms", waitMs));
  }

  @Test
  void aWorkerWaitingOnOneInstanceIsWokenByACreateOnTheOther() {
    long project = newProject();
    String type = newType();
    Future<Api.Response> waiting = longPoll(otherApi, project, 15_000);
    // Once the claim is parked (nothing claimable yet), create on the first instance.
    Poll.until(() -> other.server().waitingClaims(), n -> n == 1, Duration.ofSeconds(10));
    long created = System.nanoTime();
    long id = createTask(project, type).getLong("id");
    JsonArray tasks = waiting.await().expect(200).json().getJsonArray("tasks");
    long tookMs = (System.nanoTime() - created) / 1_000_000;
    assertEquals(1, tasks.size());
    assertEquals(id, tasks.getJsonObject(0).getLong("id"));
    assertTrue(tookMs < 5_000, "woken by the signal, not by the end of the wait: " + tookMs + " ms");
  }

  @Test
  void aWaitWithNothingToClaimEndsEmptyAfterTheWait() {
    long project = newProject();
    long start = System.nanoTime();
    JsonArray tasks = longPoll(admin, project, 400).await().expect(200).json().getJsonArray("tasks");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(0, tasks.size());
    assertTrue(tookMs >= 390, "held for the wait: " + tookMs + " ms");
  }

  @Test
  void aTaskComingDueWakesTheWaiter() {
    long project = newProject();
    String type = newType();
    Instant due = Instant.now().plusMillis(1500);
    long id = createTask(project, new JsonObject().put("type", type).put("run_at", due.toString())).getLong("id");
    JsonArray tasks = longPoll(otherApi, project, 10_000).await().expect(200).json().getJsonArray("tasks");
    assertEquals(1, tasks.size());
    assertEquals(id, tasks.getJsonObject(0).getLong("id"));
    assertTrue(!Instant.now().isBefore(due), "not before it came due");
  }

  @Test
  void waitIsBounded() {
    long project = newProject();
    admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w").put("wait_ms", 20_001)).problem(422);
  }

  @Test
  void shutdownAnswersHeldLongPollsEmpty() throws Exception {
    long project = newProject();
    TestServer third = TestServer.startOn(server.database(), c -> c);
    // A client on this test's own Vert.x: the third instance's goes away with it.
    Api thirdApi = new Api(server.vertx(), third.port(), TestServer.ADMIN_KEY);
    Future<Api.Response> held = longPoll(thirdApi, project, 20_000);
    Poll.until(() -> third.server().waitingClaims(), n -> n == 1, Duration.ofSeconds(10));
    long start = System.nanoTime();
    Thread closer = new Thread(() -> {
      try {
        third.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    closer.start();
    JsonArray tasks = held.await().expect(200).json().getJsonArray("tasks");
    assertEquals(0, tasks.size());
    assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000, "answered at shutdown, not at the end of the wait");
    closer.join();
  }
}
