package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Every fault a client can make gets a specific 4xx problem, never a 500, and writes nothing. */
class BadInputTest extends ServerTest {

  @Test
  void malformedJsonIs400() {
    long project = newProject();
    JsonObject problem = admin.postRaw("/projects/" + project + "/tasks", "{\"type\": ", "application/json").problem(400);
    assertTrue(problem.getString("detail").contains("not valid JSON"), problem.encode());
    admin.postRaw("/projects/" + project + "/tasks", "[1,2]", "application/json").problem(400);
    admin.postRaw("/projects/" + project + "/tasks", "", "application/json").problem(400);
    admin.postRaw("/projects/" + project + "/tasks", "   ", "application/json").problem(400);
    admin.postRaw("/projects/" + project + "/tasks", "{\"type\": \"t\"} {}", "application/json").problem(400);
    assertNoTasks(project);
  }

  @Test
  void wrongTypesUnknownFieldsAndRangesAreNamed() {
    long project = newProject();
    String type = newType();
    JsonObject problem = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("priority", "high").put("max_attempts", 0).put("run_at", "tomorrow").put("colour", "red")
        .put("params", "x")).problem(422);
    String errors = problem.getJsonArray("errors").encode();
    for (String pointer : new String[] {"/priority", "/max_attempts", "/run_at", "/colour", "/params"}) {
      assertTrue(errors.contains("\"" + pointer + "\""), pointer + " in " + errors);
    }
    admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w").put("limit", 101)).problem(422);
    admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("limit", 1)).problem(422);
    admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w").put("lease_seconds", -1)).problem(422);
    admin.post("/projects/" + project + "/tasks/1:complete", new JsonObject().put("lease_id", "not-a-uuid")).problem(422);
    admin.post("/projects", new JsonObject().put("name", "")).problem(422);
    admin.post("/projects", new JsonObject().put("name", 5)).problem(422);
    assertNoTasks(project);
  }

  @Test
  void oversizedBodiesAre413() {
    long project = newProject();
    String big = "x".repeat(2 * 1024 * 1024);
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", "t").put("description", big)).problem(413);
    assertNoTasks(project);
  }

  @Test
  void unknownIdsAndRoutesAre404() {
    admin.get("/projects/123456789").problem(404);
    admin.get("/projects/abc/tasks").problem(404);
    admin.get("/projects/1/tasks/abc").problem(404);
    admin.get("/nothing-here").problem(404);
    admin.post("/projects/1/tasks/1:explode", new JsonObject()).problem(404);
    admin.delete("/api-keys/not-a-uuid").problem(404);
  }

  @Test
  void wrongMethodIs405() {
    Api.Response response = admin.send(HttpMethod.PUT, "/projects", Buffer.buffer("{}"), "application/json").await();
    response.problem(405);
  }

  @Test
  void problemsNeverLeakInternals() {
    long project = newProject();
    Api.Response response = admin.postRaw("/projects/" + project + "/tasks", "{\"type\": \"\\u0000\"}", "application/json");
    assertTrue(response.status() >= 400 && response.status() < 500, "status " + response.status());
    assertFalse(response.body().toString().contains("Exception"), response.body().toString());
    assertEquals("application/problem+json", response.contentType());
  }

  /** Generated clients send the literal null for an omitted optional body: it means no body, and anything but an object is still 400. */
  @Test
  void aNullBodyIsNoBodyWhereTheBodyIsOptional() {
    long project = newProject();
    String task = Long.toString(createTask(project, newType()).getLong("id"));
    assertTrue(admin.postRaw("/projects/" + project + "/queue:pause", "null", "application/json").expect(200).json()
        .getBoolean("paused"));
    assertFalse(admin.postRaw("/projects/" + project + "/queue:resume", "null", "application/json").expect(200).json()
        .getBoolean("paused"));
    assertEquals("cancelled", admin.postRaw("/projects/" + project + "/tasks/" + task + ":cancel", "null", "application/json")
        .expect(200).json().getString("status"));
    assertEquals("pending", admin.postRaw("/projects/" + project + "/tasks/" + task + ":retry", "null", "application/json")
        .expect(200).json().getString("status"));
    admin.postRaw("/projects/" + project + "/queue:pause", "[]", "application/json").problem(400);
    admin.postRaw("/projects/" + project + "/tasks/" + task + ":cancel", "1", "application/json").problem(400);
    assertFalse(admin.get("/projects/" + project + "/queue").expect(200).json().getBoolean("paused"));
  }

  private void assertNoTasks(long project) {
    assertEquals(0L, sql("SELECT count(*) FROM tasks WHERE project_id = $1", project).iterator().next().getLong(0));
  }
}
