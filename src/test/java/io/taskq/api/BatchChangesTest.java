package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BatchChangesTest extends ServerTest {

  @Test
  void batchCompleteAnswersEachItemInOrderAndOneStaleLeaseSparesTheOthers() {
    long project = newProject();
    String type = newType();
    for (int i = 0; i < 3; i++) {
      createTask(project, type);
    }
    JsonArray claimed = claim(project, "batcher", 3);
    JsonObject a = claimed.getJsonObject(0);
    JsonObject b = claimed.getJsonObject(1);
    JsonObject c = claimed.getJsonObject(2);
    JsonArray completions = new JsonArray()
        .add(new JsonObject().put("id", a.getLong("id")).put("lease_id", a.getString("lease_id")).put("result", 1))
        .add(new JsonObject().put("id", b.getLong("id")).put("lease_id", UUID.randomUUID().toString()))
        .add(new JsonObject().put("id", 999_999_999L).put("lease_id", UUID.randomUUID().toString()))
        .add(new JsonObject().put("id", c.getLong("id")).put("lease_id", c.getString("lease_id")));
    JsonArray results = admin.post("/projects/" + project + "/tasks:complete", new JsonObject().put("completions", completions))
        .expect(200).json().getJsonArray("results");
    assertEquals(List.of("completed", "lease_conflict", "not_found", "completed"),
        results.stream().map(o -> ((JsonObject) o).getString("outcome")).toList());
    assertEquals(a.getLong("id"), results.getJsonObject(0).getLong("id"));
    assertEquals(409, results.getJsonObject(1).getJsonObject("problem").getInteger("status"));
    assertEquals("claimed", results.getJsonObject(1).getString("status"));
    assertEquals(404, results.getJsonObject(2).getJsonObject("problem").getInteger("status"));
    assertNull(results.getJsonObject(2).getValue("status"));
    assertEquals(1, admin.get("/projects/" + project + "/tasks/" + a.getLong("id")).json().getInteger("result"));
    assertEquals("claimed", admin.get("/projects/" + project + "/tasks/" + b.getLong("id")).json().getString("status"));

    JsonArray again = admin.post("/projects/" + project + "/tasks:complete", new JsonObject().put("completions",
        new JsonArray().add(completions.getJsonObject(0)))).expect(200).json().getJsonArray("results");
    assertEquals("completed", again.getJsonObject(0).getString("outcome"), "a repeat with the completing lease is safe");
  }

  @Test
  void batchFailRetriesOrFailsEachItem() {
    long project = newProject();
    String type = newType();
    createTask(project, type);
    createTask(project, new JsonObject().put("type", type).put("max_attempts", 1));
    JsonArray claimed = claim(project, "f", 2);
    JsonArray failures = new JsonArray();
    for (Object o : claimed) {
      JsonObject t = (JsonObject) o;
      failures.add(new JsonObject().put("id", t.getLong("id")).put("lease_id", t.getString("lease_id")).put("error", "nope"));
    }
    JsonArray results = admin.post("/projects/" + project + "/tasks:fail", new JsonObject().put("failures", failures))
        .expect(200).json().getJsonArray("results");
    assertEquals(List.of("failed", "failed"), results.stream().map(o -> ((JsonObject) o).getString("outcome")).toList());
    List<String> statuses = results.stream().map(o -> ((JsonObject) o).getString("status")).sorted().toList();
    assertEquals(List.of("failed", "pending"), statuses, "one has attempts left, the other not");
  }

  @Test
  void onlyFaultsOfTheBodysShapeFailTheWholeBatch() {
    long project = newProject();
    String lease = UUID.randomUUID().toString();
    String path = "/projects/" + project + "/tasks:complete";
    admin.post(path, new JsonObject().put("completions", new JsonArray())).problem(422);
    JsonArray many = new JsonArray();
    for (int i = 1; i <= 1001; i++) {
      many.add(new JsonObject().put("id", i).put("lease_id", lease));
    }
    admin.post(path, new JsonObject().put("completions", many)).problem(422);
    admin.post(path, new JsonObject().put("completions", new JsonObject())).problem(422);
    admin.post(path, new JsonObject().put("completions", new JsonArray().add(new JsonObject().put("id", 1).put("lease_id", lease)))
        .put("extra", 1)).problem(422);
    admin.post("/projects/" + project + "/tasks:fail", new JsonObject()).problem(422);
  }

  /** The claimed tasks of a new project, with their leases. */
  private List<JsonObject> held(long project, int n) {
    String type = newType();
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < n; i++) {
      tasks.add(new JsonObject().put("type", type));
    }
    admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", tasks)).expect(201);
    return claim(project, "w", n).stream().map(o -> (JsonObject) o).toList();
  }

  private static JsonObject completion(JsonObject task, Object result) {
    return new JsonObject().put("id", task.getLong("id")).put("lease_id", task.getString("lease_id")).put("result", result);
  }

  /** Asserts an invalid slot whose one error points at {@code pointer}; answers its problem. */
  private static JsonObject assertInvalid(JsonObject result, int index, String pointer) {
    assertEquals(index, result.getInteger("index"));
    assertEquals("invalid", result.getString("outcome"), result.encode());
    assertNull(result.getValue("status"));
    JsonObject problem = result.getJsonObject("problem");
    assertEquals("https://taskq.dev/problems/validation-failed", problem.getString("type"));
    assertEquals(422, problem.getInteger("status"));
    JsonObject error = problem.getJsonArray("errors").getJsonObject(0);
    assertTrue(error.getString("pointer").startsWith(pointer), error.encode());
    assertEquals(index, error.getInteger("index"));
    return problem;
  }

  private long completed(long project) {
    return sql("SELECT count(*) FROM tasks WHERE project_id = $1 AND status = 'completed'", project).iterator().next().getLong(0);
  }

  @Test
  void aValueTheDatabaseRefusesFailsOnlyItsItemAndTheOtherNineteenComplete() {
    long project = newProject();
    List<JsonObject> tasks = held(project, 20);
    JsonArray completions = new JsonArray();
    for (int i = 0; i < 20; i++) {
      completions.add(completion(tasks.get(i), i == 7 ? "bad\u0000" : i));
    }
    JsonArray results = admin.post("/projects/" + project + "/tasks:complete", new JsonObject().put("completions", completions))
        .expect(200).json().getJsonArray("results");

    assertEquals(20, results.size());
    for (int i = 0; i < 20; i++) {
      JsonObject result = results.getJsonObject(i);
      assertEquals(i, result.getInteger("index"));
      assertEquals(tasks.get(i).getLong("id"), result.getLong("id"));
      if (i == 7) {
        JsonObject problem = assertInvalid(result, 7, "/completions/7/result");
        assertTrue(problem.getString("detail").contains("U+0000"), problem.encode());
        assertFalse(problem.encode().contains("UTF8") || problem.encode().contains("0x00"), problem.encode());
      } else {
        assertEquals("completed", result.getString("outcome"), result.encode());
      }
    }
    assertEquals(19, completed(project));
  }

  @Test
  void unreadableItemsAreInvalidInTheirSlotsAndTheOthersRun() {
    long project = newProject();
    List<JsonObject> tasks = held(project, 4);
    JsonArray completions = new JsonArray()
        .add(completion(tasks.get(0), 0))
        .add(new JsonObject().put("id", "x").put("lease_id", tasks.get(1).getString("lease_id")))
        .add("not an object")
        .add(completion(tasks.get(0), "again"))
        .add(completion(tasks.get(2), 2).put("colour", "red"))
        .add(new JsonObject().put("id", tasks.get(3).getLong("id")).put("lease_id", "not-a-uuid"))
        .add(completion(tasks.get(1), 1));
    JsonArray results = admin.post("/projects/" + project + "/tasks:complete", new JsonObject().put("completions", completions))
        .expect(200).json().getJsonArray("results");

    assertEquals(7, results.size());
    assertEquals("completed", results.getJsonObject(0).getString("outcome"));
    assertInvalid(results.getJsonObject(1), 1, "/completions/1/id");
    assertNull(results.getJsonObject(1).getValue("id"), "an unreadable id is null");
    assertInvalid(results.getJsonObject(2), 2, "/completions/2");
    assertNull(results.getJsonObject(2).getValue("id"));
    JsonObject duplicate = assertInvalid(results.getJsonObject(3), 3, "/completions/3/id");
    assertTrue(duplicate.getString("detail").contains("item 0"), duplicate.encode());
    assertEquals(tasks.get(0).getLong("id"), results.getJsonObject(3).getLong("id"));
    assertInvalid(results.getJsonObject(4), 4, "/completions/4/colour");
    assertInvalid(results.getJsonObject(5), 5, "/completions/5/lease_id");
    assertEquals(tasks.get(3).getLong("id"), results.getJsonObject(5).getLong("id"));
    assertEquals("completed", results.getJsonObject(6).getString("outcome"));
    assertEquals(0, admin.get("/projects/" + project + "/tasks/" + tasks.get(0).getLong("id")).json().getInteger("result"),
        "the first occurrence ran, the duplicate did not");
    assertEquals(2, completed(project));
  }

  @Test
  void aFailBatchAnswersBadItemsInvalidAndFailsTheOthers() {
    long project = newProject();
    List<JsonObject> tasks = held(project, 3);
    JsonArray failures = new JsonArray()
        .add(new JsonObject().put("id", tasks.get(0).getLong("id")).put("lease_id", tasks.get(0).getString("lease_id")).put("error", "e0"))
        .add(new JsonObject().put("id", tasks.get(1).getLong("id")).put("lease_id", tasks.get(1).getString("lease_id"))
            .put("error", "x".repeat(65_537)))
        .add(new JsonObject().put("id", tasks.get(2).getLong("id")).put("lease_id", tasks.get(2).getString("lease_id"))
            .put("error", "e2").put("retryable", "yes"));
    JsonArray results = admin.post("/projects/" + project + "/tasks:fail", new JsonObject().put("failures", failures))
        .expect(200).json().getJsonArray("results");

    assertEquals("failed", results.getJsonObject(0).getString("outcome"));
    assertEquals("pending", results.getJsonObject(0).getString("status"), "retried later");
    assertInvalid(results.getJsonObject(1), 1, "/failures/1/error");
    assertInvalid(results.getJsonObject(2), 2, "/failures/2/retryable");
    assertEquals("claimed", admin.get("/projects/" + project + "/tasks/" + tasks.get(1).getLong("id")).json().getString("status"));
  }

  @Test
  void aBulkCreateThatTheDatabaseRefusesNamesTheItemAndThePointer() {
    long project = newProject();
    String type = newType();
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < 10; i++) {
      tasks.add(new JsonObject().put("type", type).put("params", i == 7 ? new JsonObject().put("s", "a\u0000") : new JsonObject()));
    }
    JsonObject problem = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", tasks)).problem(422);

    JsonObject error = problem.getJsonArray("errors").getJsonObject(0);
    assertEquals(7, error.getInteger("index"), problem.encode());
    assertEquals("/tasks/7/params/s", error.getString("pointer"), problem.encode());
    assertEquals(0, sql("SELECT count(*) FROM tasks WHERE project_id = $1", project).iterator().next().getLong(0));
  }
}
