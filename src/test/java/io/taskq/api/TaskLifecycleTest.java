package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskLifecycleTest extends ServerTest {

  @Test
  void createdTaskCarriesEveryFieldWithDefaults() {
    long project = newProject();
    String type = newType();
    JsonObject task = createTask(project, new JsonObject().put("type", type).put("title", "Resize").put("params",
        new JsonObject().put("n", "x")));
    assertEquals(project, task.getLong("project_id"));
    assertEquals(type, task.getString("type"));
    assertEquals("1", task.getString("type_version"));
    assertEquals("pending", task.getString("status"));
    assertEquals(0, task.getInteger("priority"));
    assertEquals(0, task.getInteger("attempts"));
    assertEquals(3, task.getInteger("max_attempts"));
    assertEquals("x", task.getJsonObject("params").getString("n"));
    for (String field : List.of("id", "title", "description", "params", "status", "external_id", "milestone_id",
        "dedupe_key", "run_at", "worker_id", "claimed_at", "lease_expires_at", "completed_at", "result",
        "error_message", "created_at", "updated_at")) {
      assertTrue(task.containsKey(field), field + " is always present");
    }
    assertTrue(task.getString("created_at").endsWith("Z"), "timestamps are UTC");
    assertFalse(task.containsKey("lease_id"), "only a claim shows the lease");
    assertEquals(task, admin.get("/projects/" + project + "/tasks/" + task.getLong("id")).expect(200).json());
  }

  @Test
  void claimHandsOutAFreshLeaseAndCountsTheAttempt() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    JsonArray claimed = claim(project, "w1", 1);
    assertEquals(1, claimed.size());
    JsonObject task = claimed.getJsonObject(0);
    assertEquals(id, task.getLong("id"));
    assertEquals("claimed", task.getString("status"));
    assertEquals("w1", task.getString("worker_id"));
    assertEquals(1, task.getInteger("attempts"));
    assertNotNull(task.getString("lease_id"));
    Instant expires = Instant.parse(task.getString("lease_expires_at"));
    Instant claimedAt = Instant.parse(task.getString("claimed_at"));
    assertEquals(Duration.ofSeconds(30), Duration.between(claimedAt, expires), "the type's default lease is 30 s");
    assertEquals(0, claim(project, "w2", 1).size(), "a claimed task is not claimable");
  }

  @Test
  void claimOrderIsPriorityThenRunAtThenId() {
    long project = newProject();
    String type = newType();
    long low = createTask(project, new JsonObject().put("type", type).put("priority", -5)).getLong("id");
    long olderRunAt = createTask(project, new JsonObject().put("type", type).put("run_at", "2020-01-01T00:00:00Z")).getLong("id");
    long plainA = createTask(project, type).getLong("id");
    long plainB = createTask(project, type).getLong("id");
    long high = createTask(project, new JsonObject().put("type", type).put("priority", 10)).getLong("id");
    JsonArray claimed = claim(project, "w", 100);
    List<Long> order = claimed.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
    assertEquals(List.of(high, olderRunAt, plainA, plainB, low), order);
  }

  @Test
  void futureRunAtHoldsTheTask() {
    long project = newProject();
    String type = newType();
    createTask(project, new JsonObject().put("type", type).put("run_at", Instant.now().plusSeconds(3600).toString()));
    assertEquals(0, claim(project, "w", 10).size());
  }

  @Test
  void claimFiltersByTypeAndHonoursLimitAndLeaseSeconds() {
    long project = newProject();
    String a = newType();
    String b = newType();
    for (int i = 0; i < 3; i++) {
      createTask(project, a);
      createTask(project, b);
    }
    JsonArray claimed = admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w")
        .put("types", new JsonArray().add(b)).put("limit", 2).put("lease_seconds", 5)).expect(200).json().getJsonArray("tasks");
    assertEquals(2, claimed.size());
    for (Object o : claimed) {
      JsonObject t = (JsonObject) o;
      assertEquals(b, t.getString("type"));
      assertEquals(Duration.ofSeconds(5), Duration.between(Instant.parse(t.getString("claimed_at")),
          Instant.parse(t.getString("lease_expires_at"))));
    }
  }

  @Test
  void emptyQueueAnswersAnEmptyList() {
    long project = newProject();
    assertEquals(0, claim(project, "w", 5).size());
  }

  @Test
  void completeStoresTheResultAndARepeatWithTheSameLeaseIsSafe() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    JsonObject task = claim(project, "w", 1).getJsonObject(0);
    String lease = task.getString("lease_id");
    JsonObject body = new JsonObject().put("lease_id", lease).put("result", new JsonObject().put("ok", true));
    JsonObject done = admin.post(taskPath(project, id) + ":complete", body).expect(200).json();
    assertEquals("completed", done.getString("status"));
    assertEquals(new JsonObject().put("ok", true), done.getJsonObject("result"));
    assertNotNull(done.getString("completed_at"));
    JsonObject again = admin.post(taskPath(project, id) + ":complete", body).expect(200).json();
    assertEquals("completed", again.getString("status"));
    assertEquals(done.getString("completed_at"), again.getString("completed_at"), "the repeat changes nothing");
  }

  @Test
  void aLeaseThatIsNotTheTasksLiveLeaseIsAConflict() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    claim(project, "w", 1);
    String stranger = java.util.UUID.randomUUID().toString();
    for (String action : List.of(":complete", ":heartbeat")) {
      admin.post(taskPath(project, id) + action, new JsonObject().put("lease_id", stranger)).problem(409);
    }
    admin.post(taskPath(project, id) + ":fail", new JsonObject().put("lease_id", stranger).put("error", "x")).problem(409);
    assertEquals("claimed", admin.get(taskPath(project, id)).expect(200).json().getString("status"));
  }

  @Test
  void heartbeatExtendsTheLease() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    JsonObject task = admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w")
        .put("lease_seconds", 5)).expect(200).json().getJsonArray("tasks").getJsonObject(0);
    Instant before = Instant.parse(task.getString("lease_expires_at"));
    JsonObject beat = admin.post(taskPath(project, id) + ":heartbeat", new JsonObject()
        .put("lease_id", task.getString("lease_id")).put("lease_seconds", 600)).expect(200).json();
    Instant after = Instant.parse(beat.getString("lease_expires_at"));
    assertTrue(after.isAfter(before.plusSeconds(500)), "the lease now runs about ten minutes");
    assertEquals(task.getString("lease_id"), beat.getString("lease_id"), "a heartbeat keeps the lease");
  }

  @Test
  void retryableFailureReturnsTheTaskToPendingLater() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    JsonObject task = claim(project, "w", 1).getJsonObject(0);
    JsonObject failed = admin.post(taskPath(project, id) + ":fail", new JsonObject()
        .put("lease_id", task.getString("lease_id")).put("error", "boom")).expect(200).json();
    assertEquals("pending", failed.getString("status"));
    assertEquals("boom", failed.getString("error_message"));
    assertTrue(Instant.parse(failed.getString("run_at")).isAfter(Instant.parse(task.getString("claimed_at"))),
        "run_at is pushed out by the backoff");
    admin.post(taskPath(project, id) + ":complete", new JsonObject().put("lease_id", task.getString("lease_id"))).problem(409);
  }

  @Test
  void nonRetryableFailureOrLastAttemptFailsForGood() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    JsonObject task = claim(project, "w", 1).getJsonObject(0);
    JsonObject failed = admin.post(taskPath(project, id) + ":fail", new JsonObject()
        .put("lease_id", task.getString("lease_id")).put("error", "bad input").put("retryable", false)).expect(200).json();
    assertEquals("failed", failed.getString("status"));

    long once = createTask(project, new JsonObject().put("type", type).put("max_attempts", 1)).getLong("id");
    JsonObject only = claim(project, "w", 1).getJsonObject(0);
    assertEquals(once, only.getLong("id"));
    assertEquals("failed", admin.post(taskPath(project, once) + ":fail", new JsonObject()
        .put("lease_id", only.getString("lease_id")).put("error", "x")).expect(200).json().getString("status"));
  }

  @Test
  void failedTaskIsRetriedUntilAttemptsAreUsedUp() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, new JsonObject().put("type", type).put("max_attempts", 2)).getLong("id");
    JsonObject first = claim(project, "w", 1).getJsonObject(0);
    admin.post(taskPath(project, id) + ":fail", new JsonObject().put("lease_id", first.getString("lease_id")).put("error", "1"))
        .expect(200);
    JsonObject second = Poll.until(() -> claim(project, "w", 1), a -> a.size() == 1, Duration.ofSeconds(10)).getJsonObject(0);
    assertEquals(2, second.getInteger("attempts"));
    assertNotEquals(first.getString("lease_id"), second.getString("lease_id"));
    JsonObject last = admin.post(taskPath(project, id) + ":fail", new JsonObject()
        .put("lease_id", second.getString("lease_id")).put("error", "2")).expect(200).json();
    assertEquals("failed", last.getString("status"));
  }

  @Test
  void cancelStopsLiveTasksAndRefusesFinishedOnes() {
    long project = newProject();
    String type = newType();
    long pending = createTask(project, type).getLong("id");
    assertEquals("cancelled", admin.post(taskPath(project, pending) + ":cancel", null).expect(200).json().getString("status"));
    admin.post(taskPath(project, pending) + ":cancel", null).problem(409);

    long claimedId = createTask(project, type).getLong("id");
    JsonObject claimed = claim(project, "w", 1).getJsonObject(0);
    admin.post(taskPath(project, claimedId) + ":cancel", new JsonObject()).expect(200);
    admin.post(taskPath(project, claimedId) + ":complete", new JsonObject().put("lease_id", claimed.getString("lease_id")))
        .problem(409);
  }

  @Test
  void retryBringsFailedAndCancelledTasksBack() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    admin.post(taskPath(project, id) + ":retry", null).problem(409);
    admin.post(taskPath(project, id) + ":cancel", null).expect(200);
    JsonObject retried = admin.post(taskPath(project, id) + ":retry", null).expect(200).json();
    assertEquals("pending", retried.getString("status"));
    assertEquals(0, retried.getInteger("attempts"));
    assertEquals(id, claim(project, "w", 1).getJsonObject(0).getLong("id"));
  }

  @Test
  void logsTellTheWholeStoryOldestFirst() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    JsonObject task = claim(project, "w9", 1).getJsonObject(0);
    String lease = task.getString("lease_id");
    admin.post(taskPath(project, id) + ":heartbeat", new JsonObject().put("lease_id", lease)).expect(200);
    admin.post(taskPath(project, id) + ":fail", new JsonObject().put("lease_id", lease).put("error", "e")).expect(200);
    JsonObject again = Poll.until(() -> claim(project, "w9", 1), a -> a.size() == 1, Duration.ofSeconds(10)).getJsonObject(0);
    admin.post(taskPath(project, id) + ":complete", new JsonObject().put("lease_id", again.getString("lease_id"))).expect(200);
    JsonArray logs = admin.get(taskPath(project, id) + "/logs").expect(200).items();
    List<String> events = logs.stream().map(o -> ((JsonObject) o).getString("event")).toList();
    assertEquals(List.of("created", "claimed", "heartbeat", "failed", "claimed", "completed"), events);
    JsonObject claimedLog = logs.getJsonObject(1);
    assertEquals("w9", claimedLog.getString("worker_id"));
    assertEquals(lease, claimedLog.getJsonObject("metadata").getString("lease_id"));
    assertEquals("e", logs.getJsonObject(3).getString("message"));
    assertNull(admin.get(taskPath(project, id) + "/logs").json().getValue("next_after"));
  }

  @Test
  void unknownTaskIsNotFound() {
    long project = newProject();
    admin.get(taskPath(project, 999_999_999)).problem(404);
    admin.get(taskPath(project, 999_999_999) + "/logs").problem(404);
    admin.post(taskPath(project, 999_999_999) + ":complete", new JsonObject().put("lease_id",
        java.util.UUID.randomUUID().toString())).problem(404);
    admin.post(taskPath(project, 999_999_999) + ":cancel", null).problem(404);
    admin.get("/projects/999999999/tasks").problem(404);
  }

  static String taskPath(long project, long id) {
    return "/projects/" + project + "/tasks/" + id;
  }
}
