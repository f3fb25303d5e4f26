package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void batchesAreValidatedWhole() {
    long project = newProject();
    String lease = UUID.randomUUID().toString();
    JsonObject twice = new JsonObject().put("completions", new JsonArray()
        .add(new JsonObject().put("id", 5).put("lease_id", lease)).add(new JsonObject().put("id", 5).put("lease_id", lease)));
    assertTrue(admin.post("/projects/" + project + "/tasks:complete", twice).problem(422).encode().contains("appears twice"));
    admin.post("/projects/" + project + "/tasks:complete", new JsonObject().put("completions", new JsonArray())).problem(422);
    JsonArray many = new JsonArray();
    for (int i = 1; i <= 1001; i++) {
      many.add(new JsonObject().put("id", i).put("lease_id", lease));
    }
    admin.post("/projects/" + project + "/tasks:complete", new JsonObject().put("completions", many)).problem(422);
    admin.post("/projects/" + project + "/tasks:fail", new JsonObject().put("failures", new JsonArray()
        .add(new JsonObject().put("id", "x").put("lease_id", "y")))).problem(422);
  }
}
