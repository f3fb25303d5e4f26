package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskCreationTest extends ServerTest {

  @Test
  void sameExternalIdAnswersTheExistingTaskUnchanged() {
    long project = newProject();
    String type = newType();
    JsonObject first = createTask(project, new JsonObject().put("type", type).put("external_id", "job-1").put("title", "A"));
    JsonObject again = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("external_id", "job-1").put("title", "B")).expect(200).json();
    assertEquals(first, again);
    assertEquals(1L, count(project));
  }

  @Test
  void sameExternalIdInAnotherProjectIsANewTask() {
    long a = newProject();
    long b = newProject();
    String type = newType();
    long one = createTask(a, new JsonObject().put("type", type).put("external_id", "shared")).getLong("id");
    long two = createTask(b, new JsonObject().put("type", type).put("external_id", "shared")).getLong("id");
    assertNotEquals(one, two);
  }

  @Test
  void fiftyConcurrentCreatesOfOneExternalIdMakeOneTask() {
    long project = newProject();
    String type = newType();
    List<Future<Api.Response>> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(admin.postAsync("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("external_id", "race")));
    }
    Future.all(sent).await();
    long created = sent.stream().filter(f -> f.result().status() == 201).count();
    long existing = sent.stream().filter(f -> f.result().status() == 200).count();
    assertEquals(1, created);
    assertEquals(49, existing);
    assertEquals(1, sent.stream().map(f -> f.result().json().getLong("id")).distinct().count());
    assertEquals(1L, count(project));
  }

  @Test
  void concurrentCreatesGoInTogetherAndOneBadTaskFailsOnlyItsOwnRequest() {
    long project = newProject();
    String type = newType();
    String path = "/projects/" + project + "/tasks";
    List<Future<Api.Response>> good = new ArrayList<>();
    Future<Api.Response> bad = null;
    for (int i = 0; i < 40; i++) {
      good.add(admin.postAsync(path, new JsonObject().put("type", type).put("title", "t" + i)));
      if (i == 20) {
        // Valid JSON that PostgreSQL's jsonb refuses: only the statement can find this fault.
        bad = admin.postAsync(path, new JsonObject().put("type", type).put("params", new JsonObject().put("s", "\u0000")));
      }
    }
    Future.all(good).await();
    Api.Response refused = bad.await();
    assertEquals(422, refused.status(), refused.body().toString());
    assertTrue(refused.body().toString().contains("U+0000"), refused.body().toString());
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < good.size(); i++) {
      JsonObject task = good.get(i).result().expect(201).json();
      assertEquals("t" + i, task.getString("title"));
      ids.add(task.getLong("id"));
      JsonArray logs = admin.get(path + "/" + task.getLong("id") + "/logs").expect(200).json().getJsonArray("items");
      assertEquals("created", logs.getJsonObject(0).getString("event"));
    }
    assertEquals(40, ids.size());
    assertEquals(40L, count(project));
  }

  @Test
  void dedupeAnswersTheLiveDuplicateAndAllowsItAgainOnceFinished() {
    long project = newProject();
    String type = newType();
    JsonObject params = new JsonObject().put("a", 1).put("b", new JsonObject().put("y", 2).put("x", 1));
    JsonObject first = createTask(project, new JsonObject().put("type", type).put("params", params).put("dedupe", true));
    assertEquals(64, first.getString("dedupe_key").length());
    JsonObject reordered = new JsonObject().put("b", new JsonObject().put("x", 1).put("y", 2)).put("a", 1);
    JsonObject dup = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("params", reordered)
        .put("dedupe", true)).expect(200).json();
    assertEquals(first.getLong("id"), dup.getLong("id"), "key order does not matter");
    admin.post("/projects/" + project + "/tasks/" + first.getLong("id") + ":cancel", null).expect(200);
    JsonObject fresh = createTask(project, new JsonObject().put("type", type).put("params", params).put("dedupe", true));
    assertNotEquals(first.getLong("id"), fresh.getLong("id"), "a finished task's content may be enqueued again");
  }

  @Test
  void paramsThatViolateTheSchemaAreListed() {
    long project = newProject();
    String type = newType(new JsonObject().put("type", "object")
        .put("properties", new JsonObject()
            .put("url", new JsonObject().put("type", "string"))
            .put("size", new JsonObject().put("type", "integer").put("minimum", 1)))
        .put("required", new JsonArray().add("url")));
    JsonObject problem = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("params", new JsonObject().put("size", 0))).problem(422);
    String errors = problem.getJsonArray("errors").encode();
    assertTrue(errors.contains("/params"), errors);
    assertTrue(problem.getJsonArray("errors").size() >= 2, "the missing url and the small size: " + errors);
    assertEquals(0L, count(project));
  }

  @Test
  void unknownTypeOrVersionIs422() {
    long project = newProject();
    String type = newType();
    assertTrue(admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", "no-such-type"))
        .problem(422).getJsonArray("errors").getJsonObject(0).getString("pointer").equals("/type"));
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("type_version", 9)).problem(422);
  }

  @Test
  void typeVersionDefaultsToTheNewest() {
    long project = newProject();
    String type = newType();
    admin.post("/task-types", new JsonObject().put("name", type).put("version", 2)
        .put("param_schema", new JsonObject().put("type", "object")).put("max_attempts", 7)).expect(201);
    JsonObject task = createTask(project, type);
    assertEquals("2", task.getString("type_version"));
    assertEquals(7, task.getInteger("max_attempts"));
    assertEquals("1", createTask(project, new JsonObject().put("type", type).put("type_version", 1)).getString("type_version"));
  }

  @Test
  void listFiltersAndPagesByKeyset() {
    long project = newProject();
    String type = newType();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(createTask(project, new JsonObject().put("type", type).put("external_id", "e" + i)).getLong("id"));
    }
    claim(project, "lister", 1);
    JsonObject page1 = admin.get("/projects/" + project + "/tasks?limit=2").expect(200).json();
    assertEquals(2, page1.getJsonArray("items").size());
    assertEquals(ids.get(1), page1.getLong("next_after"));
    JsonObject page2 = admin.get("/projects/" + project + "/tasks?limit=2&after=" + page1.getLong("next_after")).expect(200).json();
    assertEquals(ids.get(2), page2.getJsonArray("items").getJsonObject(0).getLong("id"));
    JsonObject page3 = admin.get("/projects/" + project + "/tasks?limit=2&after=" + page2.getLong("next_after")).expect(200).json();
    assertEquals(1, page3.getJsonArray("items").size());
    assertNull(page3.getValue("next_after"));
    assertEquals(1, admin.get("/projects/" + project + "/tasks?status=claimed").items().size());
    assertEquals(4, admin.get("/projects/" + project + "/tasks?status=pending").items().size());
    assertEquals(1, admin.get("/projects/" + project + "/tasks?worker_id=lister").items().size());
    assertEquals(ids.get(3), admin.get("/projects/" + project + "/tasks?external_id=e3").items().getJsonObject(0).getLong("id"));
    assertEquals(5, admin.get("/projects/" + project + "/tasks?type=" + type).items().size());
    admin.get("/projects/" + project + "/tasks?status=nope").problem(400);
    admin.get("/projects/" + project + "/tasks?limit=1001").problem(400);
  }

  private long count(long project) {
    return sql("SELECT count(*) FROM tasks WHERE project_id = $1", project).iterator().next().getLong(0);
  }
}
