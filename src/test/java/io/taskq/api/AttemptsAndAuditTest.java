package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptsAndAuditTest extends ServerTest {

  private static String taskPath(long project, long id) {
    return "/projects/" + project + "/tasks/" + id;
  }

  private JsonObject claimOne(long project, String worker, int leaseSeconds) {
    JsonArray tasks = admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", worker)
        .put("lease_seconds", leaseSeconds)).expect(200).json().getJsonArray("tasks");
    return tasks.isEmpty() ? null : tasks.getJsonObject(0);
  }

  private static List<JsonObject> objects(JsonArray array) {
    List<JsonObject> list = new ArrayList<>();
    array.forEach(o -> list.add((JsonObject) o));
    return list;
  }

  @Test
  void aCompletedAttemptHasItsWorkerLeaseAndDuration() {
    long project = newProject();
    long id = createTask(project, newType()).getLong("id");
    JsonObject claimed = claimOne(project, "w1", 30);
    admin.post(taskPath(project, id) + ":complete", new JsonObject().put("lease_id", claimed.getString("lease_id"))).expect(200);

    List<JsonObject> attempts = objects(admin.get(taskPath(project, id) + "/attempts").items());
    assertEquals(1, attempts.size());
    JsonObject a = attempts.get(0);
    assertEquals(1, a.getInteger("attempt"));
    assertEquals("w1", a.getString("worker_id"));
    assertEquals(claimed.getString("lease_id"), a.getString("lease_id"));
    assertEquals("completed", a.getString("outcome"));
    assertNull(a.getString("error"));
    long duration = Duration.between(Instant.parse(a.getString("claimed_at")), Instant.parse(a.getString("finished_at"))).toMillis();
    assertEquals(duration, a.getLong("duration_ms"), 1);
  }

  @Test
  void aFailedAttemptCarriesItsErrorAndTheRetryIsRunning() {
    long project = newProject();
    long id = createTask(project, newType()).getLong("id");
    JsonObject first = claimOne(project, "w1", 30);
    admin.post(taskPath(project, id) + ":fail", new JsonObject().put("lease_id", first.getString("lease_id")).put("error", "boom"))
        .expect(200);
    JsonObject second = Poll.until(() -> claimOne(project, "w2", 30), t -> t != null, Duration.ofSeconds(15));

    List<JsonObject> attempts = objects(admin.get(taskPath(project, id) + "/attempts").items());
    assertEquals(2, attempts.size());
    assertEquals("failed", attempts.get(0).getString("outcome"));
    assertEquals("boom", attempts.get(0).getString("error"));
    assertEquals(first.getString("lease_id"), attempts.get(0).getString("lease_id"));
    JsonObject running = attempts.get(1);
    assertEquals(2, running.getInteger("attempt"));
    assertEquals("running", running.getString("outcome"));
    assertEquals("w2", running.getString("worker_id"));
    assertEquals(second.getString("lease_id"), running.getString("lease_id"));
    assertNull(running.getValue("finished_at"));
    assertNull(running.getValue("duration_ms"));

    JsonObject page = admin.get(taskPath(project, id) + "/attempts?limit=1").expect(200).json();
    assertEquals(1, page.getJsonArray("items").size());
    assertEquals(1L, page.getLong("next_after"));
    JsonObject rest = admin.get(taskPath(project, id) + "/attempts?limit=1&after=1").expect(200).json();
    assertEquals("running", rest.getJsonArray("items").getJsonObject(0).getString("outcome"));
    assertNull(rest.getValue("next_after"));
  }

  @Test
  void aLapsedLeaseIsAnExpiredAttempt() {
    long project = newProject();
    long id = createTask(project, newType()).getLong("id");
    claimOne(project, "sleepy", 1);
    List<JsonObject> attempts = Poll.until(() -> objects(admin.get(taskPath(project, id) + "/attempts").items()),
        l -> !l.get(0).getString("outcome").equals("running"), Duration.ofSeconds(15));
    assertEquals("expired", attempts.get(0).getString("outcome"));
    assertEquals("sleepy", attempts.get(0).getString("worker_id"));
    assertTrue(attempts.get(0).getLong("duration_ms") >= 1000, attempts.toString());
  }

  @Test
  void aTaskNeverClaimedHasNoAttemptsAndAnUnknownTaskIs404() {
    long project = newProject();
    long id = createTask(project, newType()).getLong("id");
    assertTrue(admin.get(taskPath(project, id) + "/attempts").items().isEmpty());
    admin.get(taskPath(project, id + 1_000_000) + "/attempts").problem(404);
    admin.get(taskPath(newProject(), id) + "/attempts").problem(404);
    admin.get(taskPath(project, id) + "/attempts?after=-1").problem(400);
  }

  @Test
  void theAuditListsTheProjectsEntriesNewestFirstWithEachFilter() {
    long project = newProject();
    String type = newType();
    long a = createTask(project, type).getLong("id");
    long b = createTask(project, type).getLong("id");
    long elsewhere = createTask(newProject(), type).getLong("id");
    JsonObject claimA = claimOne(project, "w1", 30);
    JsonObject claimB = claimOne(project, "w2", 30);
    admin.post(taskPath(project, claimA.getLong("id")) + ":complete", new JsonObject().put("lease_id", claimA.getString("lease_id")))
        .expect(200);
    admin.post(taskPath(project, claimB.getLong("id")) + ":fail", new JsonObject().put("lease_id", claimB.getString("lease_id"))
        .put("error", "nope").put("retryable", false)).expect(200);

    String logs = "/projects/" + project + "/logs";
    List<JsonObject> all = objects(admin.get(logs).items());
    assertEquals(6, all.size(), all.toString());
    assertEquals(List.of("failed", "completed", "claimed", "claimed", "created", "created"),
        all.stream().map(o -> o.getString("event")).toList());
    assertTrue(all.stream().noneMatch(o -> o.getLong("task_id") == elsewhere));

    assertEquals(2, admin.get(logs + "?event=claimed").items().size());
    List<JsonObject> byWorker = objects(admin.get(logs + "?worker_id=w2").items());
    assertEquals(List.of("failed", "claimed"), byWorker.stream().map(o -> o.getString("event")).toList());
    assertTrue(objects(admin.get(logs + "?task_id=" + a).items()).stream().allMatch(o -> o.getLong("task_id") == a));
    assertEquals(3, admin.get(logs + "?task_id=" + b).items().size());
    assertTrue(admin.get(logs + "?task_id=" + elsewhere).items().isEmpty());

    String newest = all.get(0).getString("created_at");
    String oldest = all.get(all.size() - 1).getString("created_at");
    assertTrue(objects(admin.get(logs + "?since=" + newest).items()).stream()
        .allMatch(o -> !Instant.parse(o.getString("created_at")).isBefore(Instant.parse(newest))));
    assertTrue(admin.get(logs + "?since=" + Instant.parse(newest).plusMillis(1)).items().isEmpty());
    assertEquals(all.size(), admin.get(logs + "?since=" + oldest).items().size());
    assertTrue(admin.get(logs + "?until=" + oldest).items().isEmpty());
    assertEquals(all.size(), admin.get(logs + "?until=" + Instant.parse(newest).plusMillis(1)).items().size());
    // RFC 3339 offsets reach 23:59, beyond java.time's 18:00: the same instant written with one filters the same.
    String farWest = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'-23:59'")
        .withZone(java.time.ZoneOffset.UTC).format(Instant.parse(newest).plusMillis(1).minusSeconds(23 * 3600 + 59 * 60));
    assertEquals(all.size(), admin.get(logs + "?until=" + farWest).items().size(), farWest);
    assertTrue(admin.get(logs + "?since=" + farWest).items().isEmpty(), farWest);

    List<JsonObject> paged = new ArrayList<>();
    String after = null;
    do {
      JsonObject page = admin.get(logs + "?limit=4" + (after == null ? "" : "&after=" + after)).expect(200).json();
      paged.addAll(objects(page.getJsonArray("items")));
      after = page.getString("next_after");
    } while (after != null);
    assertEquals(all, paged);
  }

  @Test
  void theAuditRefusesBadQueryParameters() {
    long project = newProject();
    String logs = "/projects/" + project + "/logs";
    for (String bad : List.of("event=Claimed", "task_id=0", "task_id=x", "since=yesterday", "until=2026-01-01", "since=2026-01-01T00:00:00%2B24:00",
        "after=12", "after=1.x", "limit=0", "limit=1001", "colour=red")) {
      admin.get(logs + "?" + bad).problem(400);
    }
    admin.get("/projects/" + (project + 1_000_000) + "/logs").problem(404);
    assertTrue(admin.get(logs + "?since=2026-01-01T00:00:00Z&worker_id=nobody").items().isEmpty());
    assertTrue(admin.get(logs + "?until=2016-12-31T23:59:60Z").items().isEmpty(), "RFC 3339 allows a leap second");
  }
}
