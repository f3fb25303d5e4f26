package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskUpdateTest extends ServerTest {

  private static String task(long project, long id) {
    return "/projects/" + project + "/tasks/" + id;
  }

  private static Api.Response patch(Api api, String path, Object body) {
    return api.send(HttpMethod.PATCH, path, Buffer.buffer(body.toString()), "application/json").await();
  }

  private Api.Response patch(long project, long id, JsonObject body) {
    return patch(admin, task(project, id), body);
  }

  private JsonArray logs(long project, long id) {
    return admin.get(task(project, id) + "/logs").expect(200).items();
  }

  private JsonObject lastLog(long project, long id) {
    JsonArray logs = logs(project, id);
    return logs.getJsonObject(logs.size() - 1);
  }

  @Test
  void eachFieldCanBeChangedAndTheLogNamesTheChangedFields() {
    long project = newProject();
    long id = createTask(project, new JsonObject().put("type", newType()).put("title", "old").put("description", "d")
        .put("metadata", new JsonObject().put("team", "web"))).getLong("id");
    String later = "2031-05-06T07:08:09Z";
    JsonObject changed = patch(project, id, new JsonObject().put("priority", 7).put("run_at", later).put("title", "new")
        .put("description", "more").put("metadata", new JsonObject().put("team", "infra")).put("max_attempts", 9)).expect(200).json();
    assertEquals(7, changed.getInteger("priority"));
    assertEquals(later, changed.getString("run_at"));
    assertEquals("new", changed.getString("title"));
    assertEquals("more", changed.getString("description"));
    assertEquals(new JsonObject().put("team", "infra"), changed.getJsonObject("metadata"));
    assertEquals(9, changed.getInteger("max_attempts"));
    assertEquals(changed, admin.get(task(project, id)).expect(200).json());

    JsonObject entry = lastLog(project, id);
    assertEquals("updated", entry.getString("event"));
    assertEquals(new JsonArray(List.of("priority", "run_at", "title", "description", "metadata", "max_attempts")),
        entry.getJsonObject("metadata").getJsonArray("fields"));
    assertEquals("priority, run_at, title, description, metadata, max_attempts", entry.getString("message"));

    // only what changed value is named; a nullable field given as null is cleared
    patch(project, id, new JsonObject().put("priority", 7).putNull("title").putNull("metadata")).expect(200);
    JsonObject cleared = admin.get(task(project, id)).expect(200).json();
    assertNull(cleared.getValue("title"));
    assertEquals(new JsonObject(), cleared.getJsonObject("metadata"));
    assertEquals(new JsonArray(List.of("title", "metadata")), lastLog(project, id).getJsonObject("metadata").getJsonArray("fields"));
  }

  @Test
  void aChangeThatChangesNothingWritesNothing() {
    long project = newProject();
    JsonObject created = createTask(project, new JsonObject().put("type", newType()).put("priority", 3));
    long id = created.getLong("id");
    int entries = logs(project, id).size();
    JsonObject same = patch(project, id, new JsonObject().put("priority", 3)).expect(200).json();
    assertEquals(created.getString("updated_at"), same.getString("updated_at"));
    assertEquals(entries, logs(project, id).size());
  }

  @Test
  void aClaimSeesTheNewPriorityAndRunTimeAtOnce() {
    long project = newProject();
    String type = newType();
    long first = createTask(project, new JsonObject().put("type", type).put("priority", 5)).getLong("id");
    long second = createTask(project, new JsonObject().put("type", type).put("priority", 1)).getLong("id");
    long future = createTask(project, new JsonObject().put("type", type).put("priority", 100).put("run_at", "2099-01-01T00:00:00Z"))
        .getLong("id");
    patch(project, second, new JsonObject().put("priority", 10)).expect(200);
    assertEquals(second, claim(project, "w", 1).getJsonObject(0).getLong("id"));
    patch(project, future, new JsonObject().put("run_at", Instant.now().minusSeconds(1).toString())).expect(200);
    assertEquals(future, claim(project, "w", 1).getJsonObject(0).getLong("id"));
    assertEquals(first, claim(project, "w", 1).getJsonObject(0).getLong("id"));
  }

  @Test
  void aBlockedTaskCanBeChanged() {
    long project = newProject();
    String type = newType();
    long prerequisite = createTask(project, type).getLong("id");
    JsonObject blocked = createTask(project, new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(new JsonObject().put("task_id", prerequisite))));
    assertEquals("blocked", blocked.getString("status"));
    JsonObject changed = patch(project, blocked.getLong("id"), new JsonObject().put("title", "waits")).expect(200).json();
    assertEquals("blocked", changed.getString("status"));
    assertEquals("waits", changed.getString("title"));
  }

  @Test
  void claimedCompletedAndCancelledTasksAre409() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    JsonObject claimed = claim(project, "w", 1).getJsonObject(0);
    JsonObject problem = patch(project, id, new JsonObject().put("priority", 1)).problem(409);
    assertTrue(problem.getString("type").endsWith("task-not-editable"), problem.encode());
    admin.post(task(project, id) + ":complete", new JsonObject().put("lease_id", claimed.getString("lease_id"))).expect(200);
    patch(project, id, new JsonObject().put("title", "late")).problem(409);
    long cancelled = createTask(project, type).getLong("id");
    admin.post(task(project, cancelled) + ":cancel", null).expect(200);
    patch(project, cancelled, new JsonObject().put("title", "late")).problem(409);
    // no entry was written for any refusal
    assertTrue(logs(project, id).stream().noneMatch(l -> ((JsonObject) l).getString("event").equals("updated")));
  }

  @Test
  void maxAttemptsMustStayAboveTheAttemptsMade() {
    long project = newProject();
    long id = createTask(project, new JsonObject().put("type", newType()).put("max_attempts", 5)).getLong("id");
    JsonObject claimed = claim(project, "w", 1).getJsonObject(0);
    admin.post(task(project, id) + ":fail", new JsonObject().put("lease_id", claimed.getString("lease_id")).put("error", "x"))
        .expect(200);
    JsonObject problem = patch(project, id, new JsonObject().put("max_attempts", 1)).problem(409);
    assertTrue(problem.getString("type").endsWith("attempts-spent"), problem.encode());
    assertEquals(2, patch(project, id, new JsonObject().put("max_attempts", 2)).expect(200).json().getInteger("max_attempts"));
  }

  @Test
  void badBodiesAre422AndUnknownTasks404() {
    long project = newProject();
    long id = createTask(project, newType()).getLong("id");
    assertEquals("/params", patch(project, id, new JsonObject().put("params", new JsonObject())).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/priority", patch(project, id, new JsonObject().putNull("priority")).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/max_attempts", patch(project, id, new JsonObject().put("max_attempts", 0)).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/metadata", patch(project, id, new JsonObject().put("metadata", "x")).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/run_at", patch(project, id, new JsonObject().put("run_at", "tomorrow")).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/title", patch(project, id, new JsonObject().put("title", "t".repeat(1001))).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    patch(project, id, new JsonObject()).problem(422);
    patch(admin, task(project, id), "[1]").problem(400);
    patch(admin, task(project, id), "{\"title\":").problem(400);
    patch(project, id + 1_000_000, new JsonObject().put("title", "x")).problem(404);
    patch(newProject(), id, new JsonObject().put("title", "x")).problem(404);
  }

  @Test
  void changingATaskNeedsTasksWrite() {
    long project = newProject();
    long id = createTask(project, newType()).getLong("id");
    patch(admin.withKey(newKey(project, "tasks:read", "tasks:claim")), task(project, id), new JsonObject().put("title", "x"))
        .problem(403);
    patch(admin.withKey(newKey(project, "tasks:write")), task(project, id), new JsonObject().put("title", "x")).expect(200);
  }

  @Test
  void theUpdatedEntryShowsInTheProjectLogAndAttemptsIgnoreIt() {
    long project = newProject();
    long id = createTask(project, newType()).getLong("id");
    patch(project, id, new JsonObject().put("title", "x")).expect(200);
    JsonObject claimed = claim(project, "w", 1).getJsonObject(0);
    admin.post(task(project, id) + ":complete", new JsonObject().put("lease_id", claimed.getString("lease_id"))).expect(200);
    JsonArray audit = admin.get("/projects/" + project + "/logs?event=updated").expect(200).items();
    assertEquals(1, audit.size());
    assertEquals(id, audit.getJsonObject(0).getLong("task_id"));
    JsonArray attempts = admin.get(task(project, id) + "/attempts").expect(200).items();
    assertEquals(1, attempts.size());
    assertEquals("completed", attempts.getJsonObject(0).getString("outcome"));
  }

  @Test
  void aChangedTitleIsWhatLaterTitleChecksCompareWith() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, new JsonObject().put("type", type).put("title", "Before")).getLong("id");
    patch(project, id, new JsonObject().put("title", "After")).expect(200);
    JsonObject outcome = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("duplicate_strategy", "title")
        .put("tasks", new JsonArray().add(new JsonObject().put("type", type).put("title", "after"))
            .add(new JsonObject().put("type", type).put("title", "before")))).expect(201).json();
    assertEquals(1, outcome.getJsonArray("skipped").size());
    assertEquals(id, outcome.getJsonArray("skipped").getJsonObject(0).getJsonObject("task").getLong("id"));
    assertEquals("before", outcome.getJsonArray("created").getJsonObject(0).getString("title"));
  }

  @Test
  void aChangedMetadataIsWhatTheFilterFinds() {
    long project = newProject();
    long id = createTask(project, new JsonObject().put("type", newType()).put("metadata", new JsonObject().put("team", "web")))
        .getLong("id");
    patch(project, id, new JsonObject().put("metadata", new JsonObject().put("team", "infra"))).expect(200);
    String filter = URLEncoder.encode("{\"team\":\"infra\"}", StandardCharsets.UTF_8);
    assertEquals(id, admin.get("/projects/" + project + "/tasks?metadata=" + filter).expect(200).items().getJsonObject(0).getLong("id"));
  }

  @Test
  void aChangeRacingAClaimIsEitherBeforeItOrRefused() {
    long project = newProject();
    String type = newType();
    int n = 40;
    List<Long> ids = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(createTask(project, type).getLong("id"));
    }
    List<io.vertx.core.Future<Api.Response>> patches = new java.util.ArrayList<>();
    io.vertx.core.Future<Api.Response> claims = admin.postAsync("/projects/" + project + "/tasks:claim",
        new JsonObject().put("worker_id", "w").put("limit", n));
    for (long id : ids) {
      patches.add(admin.send(HttpMethod.PATCH, task(project, id), Buffer.buffer(new JsonObject().put("priority", 9).encode()),
          "application/json"));
    }
    io.vertx.core.Future.join(patches).await();
    int claimed = claims.await().expect(200).json().getJsonArray("tasks").size();
    // The claim skips a row that a change holds locked (SKIP LOCKED): that change applies, and a
    // second claim takes the tasks it left.
    int rest = claim(project, "w", n).size();
    assertEquals(n, claimed + rest);
    for (int i = 0; i < n; i++) {
      long id = ids.get(i);
      int status = patches.get(i).result().status();
      assertTrue(status == 200 || status == 409, "status " + status);
      List<String> events = logs(project, id).stream().map(l -> ((JsonObject) l).getString("event")).toList();
      // an applied change precedes the claim in the task's log; a refused one left no entry
      assertEquals(status == 200 ? List.of("created", "updated", "claimed") : List.of("created", "claimed"), events);
      int priority = admin.get(task(project, id)).expect(200).json().getInteger("priority");
      assertEquals(status == 200 ? 9 : 0, priority);
    }
  }

  @Test
  void aChangeThatWaitedForAClaimIsRefusedWithTheClaimedTask() {
    long project = newProject();
    long id = createTask(project, newType()).getLong("id");
    // A claim held open: the task is claimed in a transaction that has not committed yet.
    SqlConnection claimer = server.sql().getConnection().await();
    Transaction claim = claimer.begin().await();
    claimer.preparedQuery("UPDATE tasks SET status = 'claimed', worker_id = 'w', lease_id = gen_random_uuid(), "
        + "lease_expires_at = now() + interval '30 seconds', claimed_at = now(), attempts = attempts + 1 WHERE id = $1")
        .execute(Tuple.of(id)).await();
    io.vertx.core.Future<Api.Response> change = admin.send(HttpMethod.PATCH, task(project, id),
        Buffer.buffer(new JsonObject().put("priority", 9).encode()), "application/json");
    Poll.until(() -> sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR NO KEY UPDATE%'")
        .iterator().next().getLong(0), n -> n > 0, Duration.ofSeconds(10));
    claim.commit().await();
    claimer.close().await();
    // The change's snapshot still saw the task pending; the lock it waited for saw it claimed.
    JsonObject problem = change.await().problem(409);
    assertTrue(problem.getString("type").endsWith("task-not-editable"), problem.encode());
    assertEquals(List.of("created"), logs(project, id).stream().map(l -> ((JsonObject) l).getString("event")).toList());
    assertEquals(0, admin.get(task(project, id)).expect(200).json().getInteger("priority"));
  }
}
