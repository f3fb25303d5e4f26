package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.DependencyInvariant;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DependencyTest extends ServerTest {

  @AfterEach
  void countsAgreeWithLinks() {
    assertEquals(List.of(), DependencyInvariant.violations(server.sql()));
  }

  private static JsonObject on(String kind, Object value) {
    return new JsonObject().put(kind, value);
  }

  private static JsonObject on(String kind, Object value, String linkType) {
    return on(kind, value).put("type", linkType);
  }

  private JsonObject task(long project, long id) {
    return admin.get("/projects/" + project + "/tasks/" + id).expect(200).json();
  }

  private JsonObject createDependent(long project, String type, JsonObject... prerequisites) {
    return createTask(project, new JsonObject().put("type", type).put("depends_on", new JsonArray(List.of((Object[]) prerequisites))));
  }

  /** Claims the one claimable task of the project, which must be {@code id}, and completes it. */
  private JsonObject claimAndComplete(long project, long id) {
    JsonArray claimed = claim(project, "w", 1);
    assertEquals(1, claimed.size(), "one task is claimable");
    assertEquals(id, claimed.getJsonObject(0).getLong("id"));
    return admin.post("/projects/" + project + "/tasks/" + id + ":complete",
        new JsonObject().put("lease_id", claimed.getJsonObject(0).getString("lease_id"))).expect(200).json();
  }

  private JsonObject claimAndFailForGood(long project, long id) {
    JsonArray claimed = claim(project, "w", 1);
    assertEquals(id, claimed.getJsonObject(0).getLong("id"));
    return admin.post("/projects/" + project + "/tasks/" + id + ":fail", new JsonObject()
        .put("lease_id", claimed.getJsonObject(0).getString("lease_id")).put("error", "boom").put("retryable", false))
        .expect(200).json();
  }

  private List<String> events(long project, long id) {
    return admin.get("/projects/" + project + "/tasks/" + id + "/logs").items().stream()
        .map(o -> ((JsonObject) o).getString("event")).toList();
  }

  private JsonObject lastLog(long project, long id) {
    JsonArray items = admin.get("/projects/" + project + "/tasks/" + id + "/logs").items();
    return items.getJsonObject(items.size() - 1);
  }

  @Test
  void aTaskWaitsBlockedUntilItsPrerequisiteCompletesAndIsReleasedByThatCompletion() {
    long project = newProject();
    String type = newType();
    long prerequisite = createTask(project, type).getLong("id");
    JsonObject dependent = createDependent(project, type, on("task_id", prerequisite));
    assertEquals("blocked", dependent.getString("status"));
    assertEquals(1, dependent.getInteger("unmet_prerequisites"));

    claimAndComplete(project, prerequisite);

    JsonObject released = task(project, dependent.getLong("id"));
    assertEquals("pending", released.getString("status"), "released by the completion itself, no sweep");
    assertEquals(0, released.getInteger("unmet_prerequisites"));
    assertEquals(List.of("created", "released"), events(project, dependent.getLong("id")));
    assertEquals(prerequisite, lastLog(project, dependent.getLong("id")).getJsonObject("metadata").getLong("last_prerequisite_id"));
    claimAndComplete(project, dependent.getLong("id"));
    String metrics = anonymous().get("/metrics").expect(200).body().toString();
    assertTrue(metrics.contains("taskq_tasks_released_total{project=\"" + project + "\"} 1.0"), metrics);
  }

  @Test
  void completedPrerequisitesDoNotHoldAndSuggestsNeverHolds() {
    long project = newProject();
    String type = newType();
    long done = createTask(project, type).getLong("id");
    claimAndComplete(project, done);
    long pending = createTask(project, new JsonObject().put("type", type).put("external_id", "other")).getLong("id");
    JsonObject dependent = createDependent(project, type, on("task_id", done), on("external_id", "other", "suggests"));
    assertEquals("pending", dependent.getString("status"));
    JsonArray links = admin.get("/projects/" + project + "/tasks/" + dependent.getLong("id") + "/dependencies").items();
    assertEquals(2, links.size());
    assertEquals(done, links.getJsonObject(0).getLong("task_id"));
    assertEquals("completed", links.getJsonObject(0).getString("status"));
    assertEquals("requires", links.getJsonObject(0).getString("link_type"));
    assertEquals(pending, links.getJsonObject(1).getLong("task_id"));
    assertEquals("suggests", links.getJsonObject(1).getString("link_type"));
    JsonArray dependents = admin.get("/projects/" + project + "/tasks/" + pending + "/dependents").items();
    assertEquals(dependent.getLong("id"), dependents.getJsonObject(0).getLong("task_id"));
  }

  @Test
  void aBulkGraphIsWrittenWholeAndRePostingItCreatesNothingButLinksNewItems() {
    long project = newProject();
    String type = newType();
    JsonArray graph = new JsonArray()
        .add(new JsonObject().put("type", type).put("external_id", "c").put("depends_on", new JsonArray().add(on("ref", "b"))))
        .add(new JsonObject().put("type", type).put("external_id", "a"))
        .add(new JsonObject().put("type", type).put("external_id", "b").put("depends_on", new JsonArray().add(on("ref", "a"))));
    JsonObject first = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", graph)).expect(201).json();
    assertEquals(3, first.getJsonArray("created").size());
    JsonObject again = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", graph)).expect(201).json();
    assertEquals(0, again.getJsonArray("created").size());
    assertEquals(3, again.getJsonArray("skipped").size());

    long a = idOf(project, "a");
    long b = idOf(project, "b");
    long c = idOf(project, "c");
    assertEquals("blocked", task(project, c).getString("status"));
    claimAndComplete(project, a);
    // A re-post that adds d after c: d links to the stored c, and counts it (c is not complete).
    JsonArray more = graph.copy().add(new JsonObject().put("type", type).put("external_id", "d")
        .put("depends_on", new JsonArray().add(on("ref", "c")).add(on("ref", "a"))));
    JsonObject added = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", more)).expect(201).json();
    assertEquals(1, added.getJsonArray("created").size());
    JsonObject d = added.getJsonArray("created").getJsonObject(0);
    assertEquals("blocked", d.getString("status"));
    assertEquals(1, d.getInteger("unmet_prerequisites"), "a completed, c not");
    claimAndComplete(project, b);
    claimAndComplete(project, c);
    claimAndComplete(project, d.getLong("id"));
  }

  private long idOf(long project, String externalId) {
    return admin.get("/projects/" + project + "/tasks?external_id=" + externalId).items().getJsonObject(0).getLong("id");
  }

  @Test
  void aCycleAmongBulkItemsIs422NamingItInOrder() {
    long project = newProject();
    String type = newType();
    JsonArray graph = new JsonArray()
        .add(new JsonObject().put("type", type).put("external_id", "x"))
        .add(new JsonObject().put("type", type).put("external_id", "a").put("depends_on", new JsonArray().add(on("ref", "b"))))
        .add(new JsonObject().put("type", type).put("external_id", "b").put("depends_on", new JsonArray().add(on("ref", "c"))))
        .add(new JsonObject().put("type", type).put("external_id", "c")
            .put("depends_on", new JsonArray().add(on("ref", "x")).add(on("ref", "a"))));
    JsonObject problem = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", graph)).problem(422);
    assertEquals(new JsonArray(List.of("a", "b", "c", "a")), problem.getJsonArray("cycle"));
    assertEquals(1, problem.getJsonArray("errors").getJsonObject(0).getInteger("index"));
    assertEquals("/tasks/1/depends_on", problem.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals(0, admin.get("/projects/" + project + "/tasks").items().size(), "nothing was written");
  }

  @Test
  void badLinksAre422WithTheItemsIndexAndPointer() {
    long project = newProject();
    long otherProject = newProject();
    String type = newType();
    long foreign = createTask(otherProject, type).getLong("id");
    JsonArray graph = new JsonArray()
        .add(new JsonObject().put("type", type).put("external_id", "a").put("depends_on", new JsonArray().add(on("ref", "nobody"))))
        .add(new JsonObject().put("type", type).put("external_id", "b").put("depends_on", new JsonArray().add(on("ref", "b"))))
        .add(new JsonObject().put("type", type).put("depends_on", new JsonArray().add(on("ref", "a")).add(on("ref", "a", "blocks"))));
    JsonArray errors = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", graph)).problem(422)
        .getJsonArray("errors");
    assertEquals(3, errors.size());
    assertEquals("/tasks/0/depends_on/0/ref", errors.getJsonObject(0).getString("pointer"));
    assertEquals(0, errors.getJsonObject(0).getInteger("index"));
    assertEquals("/tasks/1/depends_on/0/ref", errors.getJsonObject(1).getString("pointer"));
    assertEquals("/tasks/2/depends_on/1/ref", errors.getJsonObject(2).getString("pointer"));

    JsonObject crossProject = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", new JsonArray()
        .add(new JsonObject().put("type", type))
        .add(new JsonObject().put("type", type).put("depends_on", new JsonArray().add(on("task_id", foreign)))))).problem(422);
    assertEquals("/tasks/1/depends_on/0/task_id", crossProject.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals(1, crossProject.getJsonArray("errors").getJsonObject(0).getInteger("index"));
    JsonObject single = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(on("external_id", "missing")))).problem(422);
    assertEquals("/depends_on/0/external_id", single.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(on("ref", "a")))).problem(422);
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(new JsonObject().put("task_id", 1).put("ref", "a")))).problem(422);
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(on("task_id", foreign, "sometimes")))).problem(422);
    assertEquals(0, admin.get("/projects/" + project + "/tasks").items().size(), "nothing was written");
  }

  @Test
  void aRequiresLinkToAFailedTaskIs422ButABlocksLinkWaitsForItsRetry() {
    long project = newProject();
    String type = newType();
    long failed = createTask(project, type).getLong("id");
    claimAndFailForGood(project, failed);
    JsonObject problem = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(on("task_id", failed)))).problem(422);
    assertTrue(problem.getString("detail").contains("task " + failed + " is failed"), problem.encode());

    JsonObject waiting = createDependent(project, type, on("task_id", failed, "blocks"));
    assertEquals("blocked", waiting.getString("status"));
    admin.post("/projects/" + project + "/tasks/" + failed + ":retry", null).expect(200);
    claimAndComplete(project, failed);
    assertEquals("pending", task(project, waiting.getLong("id")).getString("status"));
  }

  @Test
  void aFailureCancelsWhatRequiresItTransitivelyAndBlocksDependentsKeepWaiting() {
    long project = newProject();
    String type = newType();
    long root = createTask(project, type).getLong("id");
    long child = createDependent(project, type, on("task_id", root)).getLong("id");
    long grandchild = createDependent(project, type, on("task_id", child)).getLong("id");
    long patient = createDependent(project, type, on("task_id", root, "blocks")).getLong("id");
    long patientsChild = createDependent(project, type, on("task_id", patient)).getLong("id");

    claimAndFailForGood(project, root);

    assertEquals("cancelled", task(project, child).getString("status"));
    assertEquals("cancelled", task(project, grandchild).getString("status"));
    JsonObject cause = lastLog(project, grandchild);
    assertEquals("cancelled", cause.getString("event"));
    assertEquals("prerequisite_failed", cause.getJsonObject("metadata").getString("cause"));
    assertEquals(child, cause.getJsonObject("metadata").getLong("prerequisite_id"));
    assertEquals(root, cause.getJsonObject("metadata").getLong("root_task_id"));
    assertEquals("blocked", task(project, patient).getString("status"));
    assertEquals("blocked", task(project, patientsChild).getString("status"));

    // Removing the blocks link lets the patient go at once.
    JsonObject unlinked = admin.delete("/projects/" + project + "/tasks/" + patient + "/dependencies/" + root).expect(200).json();
    assertEquals("pending", unlinked.getString("status"));
    assertEquals("link_removed", lastLog(project, patient).getJsonObject("metadata").getString("cause"));
    admin.delete("/projects/" + project + "/tasks/" + patient + "/dependencies/" + root).problem(404);
    claimAndComplete(project, patient);
    assertEquals("pending", task(project, patientsChild).getString("status"));
  }

  @Test
  void cancellingAPrerequisiteCancelsItsRequiresDependents() {
    long project = newProject();
    String type = newType();
    long root = createTask(project, type).getLong("id");
    long child = createDependent(project, type, on("task_id", root)).getLong("id");
    admin.post("/projects/" + project + "/tasks/" + root + ":cancel", null).expect(200);
    assertEquals("cancelled", task(project, child).getString("status"));
    assertEquals("prerequisite_cancelled", lastLog(project, child).getJsonObject("metadata").getString("cause"));
    assertTrue(anonymous().get("/metrics").expect(200).body().toString()
        .contains("taskq_tasks_cascade_cancelled_total{project=\"" + project + "\"} 1.0"));
    // Retrying the cascaded task puts it back to blocked: its prerequisite still has not completed.
    assertEquals("blocked", admin.post("/projects/" + project + "/tasks/" + child + ":retry", null).expect(200).json()
        .getString("status"));
  }

  @Test
  void linkListingsArePaginated() {
    long project = newProject();
    String type = newType();
    long prerequisite = createTask(project, type).getLong("id");
    JsonArray items = new JsonArray();
    for (int i = 0; i < 5; i++) {
      items.add(new JsonObject().put("type", type).put("depends_on", new JsonArray().add(on("task_id", prerequisite))));
    }
    admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", items)).expect(201);
    JsonObject page = admin.get("/projects/" + project + "/tasks/" + prerequisite + "/dependents?limit=3").expect(200).json();
    assertEquals(3, page.getJsonArray("items").size());
    assertNotNull(page.getLong("next_after"));
    JsonObject rest = admin.get("/projects/" + project + "/tasks/" + prerequisite + "/dependents?limit=3&after="
        + page.getLong("next_after")).expect(200).json();
    assertEquals(2, rest.getJsonArray("items").size());
    admin.get("/projects/" + project + "/tasks/999999999/dependents").problem(404);
    claimAndComplete(project, prerequisite);
    assertEquals(5, claim(project, "w", 10).size(), "one completion released five");
  }
}
