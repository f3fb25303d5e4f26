package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tasks without a type (the original dashboard's): created, claimed, swept and counted like the
 * others, but only by claims without a types filter; and the original spellings of a task's
 * fields on create (priority_score, status).
 */
class UntypedTaskTest extends ServerTest {

  private String tasks(long project) {
    return "/projects/" + project + "/tasks";
  }

  private JsonArray claim(long project, JsonObject body) {
    return admin.post(tasks(project) + ":claim", body.put("worker_id", "w")).expect(200).json().getJsonArray("tasks");
  }

  private static List<String> pointers(JsonObject problem) {
    return problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("pointer")).toList();
  }

  @Test
  void aTaskWithoutATypeHasNoTypeNoVersionAndEmptyParams() {
    long project = newProject();
    JsonObject task = createTask(project, new JsonObject().put("title", "Write the report"));
    assertTrue(task.containsKey("type") && task.getValue("type") == null);
    assertTrue(task.containsKey("type_version") && task.getValue("type_version") == null);
    assertEquals(new JsonObject(), task.getJsonObject("params"));
    assertEquals("pending", task.getString("status"));
    assertEquals(3, task.getInteger("max_attempts"));
    JsonObject anyParams = createTask(project, new JsonObject().put("params", new JsonObject().put("anything", List.of(1, "x"))));
    assertEquals(new JsonObject().put("anything", List.of(1, "x")), anyParams.getJsonObject("params"), "no schema to check against");
    assertEquals(List.of("/type_version"),
        pointers(admin.post(tasks(project), new JsonObject().put("type_version", "1")).problem(422)), "a version of no type");
    assertEquals(List.of("/type"), pointers(admin.post(tasks(project), new JsonObject().put("type", "")).problem(422)));
  }

  @Test
  void anUntypedTaskKeepsItsMetadata() {
    long project = newProject();
    JsonObject metadata = new JsonObject().put("team", "infra");
    JsonObject task = createTask(project, new JsonObject().put("title", "Tagged").put("metadata", metadata));
    assertEquals(metadata, task.getJsonObject("metadata"));
    assertEquals(metadata, admin.get(tasks(project) + "/" + task.getLong("id")).expect(200).json().getJsonObject("metadata"));
  }

  @Test
  void claimsWithoutATypesFilterReceiveUntypedTasksAndClaimsWithOneNever() {
    long project = newProject();
    String type = newType();
    long untyped = createTask(project, new JsonObject().put("title", "u").put("priority", 10)).getLong("id");
    long typed = createTask(project, type).getLong("id");
    JsonArray filtered = claim(project, new JsonObject().put("types", new JsonArray().add(type)).put("limit", 10));
    assertEquals(List.of(typed), filtered.stream().map(t -> ((JsonObject) t).getLong("id")).toList());
    JsonArray any = claim(project, new JsonObject().put("limit", 10));
    assertEquals(1, any.size());
    JsonObject held = any.getJsonObject(0);
    assertEquals(untyped, held.getLong("id"));
    assertNull(held.getValue("type"));
    admin.post(tasks(project) + "/" + untyped + ":complete", new JsonObject().put("lease_id", held.getString("lease_id"))
        .put("result", new JsonObject().put("ok", true))).expect(200);
    String metrics = anonymous().get("/metrics").expect(200).body().toString();
    assertTrue(metrics.contains("taskq_tasks_completed_total{project=\"" + project + "\",type=\"\"}"),
        "untyped tasks are counted under type=\"\"");
  }

  @Test
  void aPauseOfTheWholeProjectHoldsUntypedTasksAndAPauseOfATypeDoesNot() {
    long project = newProject();
    String type = newType();
    createTask(project, new JsonObject().put("title", "u"));
    admin.post("/projects/" + project + "/queue:pause", new JsonObject()).expect(200);
    assertEquals(0, claim(project, new JsonObject()).size());
    admin.post("/projects/" + project + "/queue:resume", new JsonObject()).expect(200);
    admin.post("/projects/" + project + "/queue:pause", new JsonObject().put("type", type)).expect(200);
    assertEquals(1, claim(project, new JsonObject()).size());
  }

  @Test
  void aLapsedLeaseOfAnUntypedTaskIsSweptBackToPending() {
    long project = newProject();
    long id = createTask(project, new JsonObject().put("title", "u")).getLong("id");
    assertEquals(1, claim(project, new JsonObject().put("lease_seconds", 1)).size());
    JsonObject swept = Poll.until(() -> admin.get(tasks(project) + "/" + id).expect(200).json(),
        t -> t.getString("status").equals("pending"), Duration.ofSeconds(10));
    assertEquals(1, swept.getInteger("attempts"));
    assertEquals(1, claim(project, new JsonObject()).size(), "claimable again");
  }

  @Test
  void dedupeOfUntypedTasksIsByTheirParams() {
    long project = newProject();
    String type = newType();
    JsonObject params = new JsonObject().put("n", "1");
    JsonObject first = createTask(project, new JsonObject().put("params", params).put("dedupe", true));
    JsonObject again = admin.post(tasks(project), new JsonObject().put("params", params).put("dedupe", true).put("title", "other"))
        .expect(200).json();
    assertEquals(first.getLong("id"), again.getLong("id"));
    JsonObject typed = createTask(project, new JsonObject().put("type", type).put("params", params).put("dedupe", true));
    assertTrue(!typed.getString("dedupe_key").equals(first.getString("dedupe_key")), "a typed task with the same params is another task");
  }

  @Test
  void priorityScoreIsAnotherNameForPriorityAndBothAtOnceAre422() {
    long project = newProject();
    JsonObject task = createTask(project, new JsonObject().put("title", "t").put("priority_score", 5));
    assertEquals(5, task.getInteger("priority"));
    assertEquals(5, task.getInteger("priority_score"));
    assertEquals(7, createTask(project, new JsonObject().put("priority", 7)).getInteger("priority_score"));
    assertEquals(0, createTask(project, new JsonObject()).getInteger("priority_score"));
    JsonObject both = admin.post(tasks(project), new JsonObject().put("priority", 1).put("priority_score", 1)).problem(422);
    assertEquals(List.of("/priority_score"), pointers(both));
    JsonObject bulk = admin.post(tasks(project) + ":bulk", new JsonObject().put("tasks", new JsonArray()
        .add(new JsonObject().put("priority_score", 3)).add(new JsonObject().put("priority", 1).put("priority_score", 2)))).problem(422);
    assertEquals(List.of("/tasks/1/priority_score"), pointers(bulk));
    assertEquals(List.of("/priority_score"),
        pointers(admin.post(tasks(project), new JsonObject().put("priority_score", "high")).problem(422)));
  }

  @Test
  void statusOnCreateMayBeOpenOrPendingAndNothingElse() {
    long project = newProject();
    assertEquals("pending", createTask(project, new JsonObject().put("status", "open")).getString("status"));
    assertEquals("pending", createTask(project, new JsonObject().put("status", "pending")).getString("status"));
    long first = createTask(project, new JsonObject().put("title", "first")).getLong("id");
    JsonObject waiting = createTask(project, new JsonObject().put("status", "open")
        .put("depends_on", new JsonArray().add(new JsonObject().put("task_id", first))));
    assertEquals("blocked", waiting.getString("status"), "open with depends_on: blocked until its prerequisite completes");
    for (Object bad : List.<Object>of("blocked", "claimed", "completed", "OPEN", "", 1)) {
      assertEquals(List.of("/status"), pointers(admin.post(tasks(project), new JsonObject().put("status", bad)).problem(422)),
          "status " + bad);
    }
  }
}
