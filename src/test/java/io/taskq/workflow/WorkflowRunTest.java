package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.DependencyInvariant;
import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkflowRunTest extends ServerTest {

  @AfterEach
  void countsAgreeWithLinks() {
    assertEquals(List.of(), DependencyInvariant.violations(server.sql()));
  }

  private static JsonObject step(String name, String type, JsonObject params, String... dependsOn) {
    return new JsonObject().put("name", name).put("type", type).put("params", params)
        .put("depends_on", new JsonArray(List.of((Object[]) dependsOn)));
  }

  /** a -> (b, c) -> d, with a templated param on a. */
  private String diamond(long project, String type) {
    String name = "diamond-" + UUID.randomUUID().toString().substring(0, 8);
    admin.post("/projects/" + project + "/workflows", new JsonObject().put("name", name).put("version", 1).put("steps", new JsonArray()
        .add(step("a", type, new JsonObject().put("url", "${URL}").put("fixed", "${URL} not replaced")))
        .add(step("b", type, new JsonObject(), "a"))
        .add(step("c", type, new JsonObject(), "a"))
        .add(step("d", type, new JsonObject(), "b", "c")))).expect(201);
    return name;
  }

  private Map<String, JsonObject> byStep(JsonObject run) {
    Map<String, JsonObject> tasks = new HashMap<>();
    run.getJsonArray("tasks").forEach(o -> tasks.put(((JsonObject) o).getString("step"), ((JsonObject) o).getJsonObject("task")));
    return tasks;
  }

  private void completeNext(long project, String expectedExternalId) {
    JsonArray claimed = claim(project, "w", 1);
    assertEquals(1, claimed.size());
    assertEquals(expectedExternalId, claimed.getJsonObject(0).getString("external_id"));
    admin.post("/projects/" + project + "/tasks/" + claimed.getJsonObject(0).getLong("id") + ":complete",
        new JsonObject().put("lease_id", claimed.getJsonObject(0).getString("lease_id"))).expect(200);
  }

  @Test
  void aRunCreatesOneTaskPerStepLinkedAsTheStepsAndIsIdempotentByRunId() {
    long project = newProject();
    String type = newType();
    String workflow = diamond(project, type);
    String path = "/projects/" + project + "/workflows/" + workflow + "/runs";
    JsonObject body = new JsonObject().put("run_id", "r1").put("params", new JsonObject().put("URL", new JsonObject().put("x", 1)));
    JsonObject run = admin.post(path, body).expect(201).json();
    assertEquals("r1", run.getString("run_id"));
    assertEquals("running", run.getString("status"));
    Map<String, JsonObject> tasks = byStep(run);
    assertEquals(4, tasks.size());
    assertEquals("r1:a:0", tasks.get("a").getString("external_id"));
    assertEquals(new JsonObject().put("x", 1), tasks.get("a").getJsonObject("params").getJsonObject("url"), "any JSON value replaces");
    assertEquals("${URL} not replaced", tasks.get("a").getJsonObject("params").getString("fixed"));
    assertEquals("pending", tasks.get("a").getString("status"));
    assertEquals("blocked", tasks.get("d").getString("status"));
    assertEquals(2, tasks.get("d").getInteger("unmet_prerequisites"));
    assertEquals(1, run.getJsonObject("counts").getInteger("pending"));
    assertEquals(3, run.getJsonObject("counts").getInteger("blocked"));

    JsonObject again = admin.post(path, body).expect(200).json();
    assertEquals(byStep(again).get("a").getLong("id"), tasks.get("a").getLong("id"));
    assertEquals(4L, sql("SELECT count(*) AS n FROM tasks WHERE project_id = $1", project).iterator().next().getLong("n"));

    completeNext(project, "r1:a:0");
    completeNext(project, "r1:b:0");
    completeNext(project, "r1:c:0");
    completeNext(project, "r1:d:0");
    JsonObject done = admin.get("/projects/" + project + "/workflow-runs/r1").expect(200).json();
    assertEquals("completed", done.getString("status"));
    assertEquals(4, done.getJsonObject("counts").getInteger("completed"));
    assertNotNull(done.getString("started_at"));
    assertNotNull(done.getString("finished_at"));
    JsonObject d = done.getJsonArray("tasks").stream().map(o -> (JsonObject) o).filter(t -> "d".equals(t.getString("step")))
        .findFirst().orElseThrow();
    assertEquals(2, d.getJsonArray("depends_on").size());

    JsonObject stats = Poll.until(() -> admin.get("/projects/" + project + "/workflows/" + workflow + "/stats").expect(200).json(),
        s -> s.getJsonObject("runs").getInteger("completed") == 1, Duration.ofSeconds(10));
    assertEquals(1.0, stats.getDouble("success_rate"));
    assertNotNull(stats.getDouble("duration_p50_seconds"));
    assertEquals(0, stats.getJsonObject("runs").getInteger("running"));
    String metrics = anonymous().get("/metrics").expect(200).body().toString();
    assertTrue(metrics.contains("taskq_workflow_runs_total{project=\"" + project + "\",status=\"completed\",workflow=\"" + workflow
        + "\"} 1.0"), metrics.lines().filter(l -> l.startsWith("taskq_workflow")).toList().toString());
    assertTrue(metrics.contains("taskq_workflow_run_duration_seconds_count{project=\"" + project + "\",workflow=\"" + workflow
        + "\"} 1"), metrics.lines().filter(l -> l.startsWith("taskq_workflow")).toList().toString());
  }

  @Test
  void aRunIdIsGeneratedAndRunsAreListedByWorkflowAndStatus() {
    long project = newProject();
    String type = newType();
    String workflow = diamond(project, type);
    String other = diamond(project, type);
    JsonObject generated = admin.post("/projects/" + project + "/workflows/" + workflow + "/runs",
        new JsonObject().put("params", new JsonObject().put("URL", "u"))).expect(201).json();
    assertNotNull(generated.getString("run_id"));
    for (int i = 0; i < 3; i++) {
      admin.post("/projects/" + project + "/workflows/" + other + "/runs", new JsonObject().put("run_id", "o" + i)
          .put("params", new JsonObject().put("URL", "u"))).expect(201);
    }
    admin.post("/projects/" + project + "/workflow-runs/o1:cancel", null).expect(200);
    JsonObject page = admin.get("/projects/" + project + "/workflow-runs?workflow=" + other + "&limit=2").expect(200).json();
    assertEquals(List.of("o0", "o1"), page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("run_id")).toList());
    JsonObject next = admin.get("/projects/" + project + "/workflow-runs?workflow=" + other + "&limit=2&after="
        + page.getLong("next_after")).expect(200).json();
    assertEquals(1, next.getJsonArray("items").size());
    assertNull(next.getValue("next_after"));
    JsonArray cancelled = admin.get("/projects/" + project + "/workflow-runs?status=cancelled").expect(200).json().getJsonArray("items");
    assertEquals(List.of("o1"), cancelled.stream().map(o -> ((JsonObject) o).getString("run_id")).toList());
    admin.get("/projects/" + project + "/workflow-runs?status=bogus").problem(400);
  }

  @Test
  void cancellingARunCancelsEveryUnfinishedTaskInOneStatement() {
    long project = newProject();
    String type = newType();
    String workflow = diamond(project, type);
    admin.post("/projects/" + project + "/workflows/" + workflow + "/runs", new JsonObject().put("run_id", "c1")
        .put("params", new JsonObject().put("URL", "u"))).expect(201);
    completeNext(project, "c1:a:0");
    JsonArray claimed = claim(project, "w", 1); // b is claimed when the run is cancelled: its lease dies
    JsonObject answer = admin.post("/projects/" + project + "/workflow-runs/c1:cancel", null).expect(200).json();
    assertEquals(3, answer.getInteger("cancelled"));
    JsonObject run = admin.get("/projects/" + project + "/workflow-runs/c1").expect(200).json();
    assertEquals("cancelled", run.getString("status"));
    assertEquals(1, run.getJsonObject("counts").getInteger("completed"));
    assertEquals(3, run.getJsonObject("counts").getInteger("cancelled"));
    admin.post("/projects/" + project + "/tasks/" + claimed.getJsonObject(0).getLong("id") + ":complete",
        new JsonObject().put("lease_id", claimed.getJsonObject(0).getString("lease_id"))).problem(409);
    admin.post("/projects/" + project + "/workflow-runs/nothing:cancel", null).problem(404);
  }

  @Test
  void aFailedStepFailsTheRunAndCancelsWhatRequiresIt() {
    long project = newProject();
    String type = newType();
    String workflow = diamond(project, type);
    admin.post("/projects/" + project + "/workflows/" + workflow + "/runs", new JsonObject().put("run_id", "f1")
        .put("params", new JsonObject().put("URL", "u"))).expect(201);
    JsonArray claimed = claim(project, "w", 1);
    admin.post("/projects/" + project + "/tasks/" + claimed.getJsonObject(0).getLong("id") + ":fail", new JsonObject()
        .put("lease_id", claimed.getJsonObject(0).getString("lease_id")).put("error", "no").put("retryable", false)).expect(200);
    JsonObject run = admin.get("/projects/" + project + "/workflow-runs/f1").expect(200).json();
    assertEquals("failed", run.getString("status"));
    assertEquals(3, run.getJsonObject("counts").getInteger("cancelled"));
    JsonObject stats = Poll.until(() -> admin.get("/projects/" + project + "/workflows/" + workflow + "/stats").expect(200).json(),
        s -> s.getJsonObject("runs").getInteger("failed") == 1, Duration.ofSeconds(10));
    assertEquals(0.0, stats.getDouble("success_rate"));
  }

  @Test
  void badRunsAre4xxNamingTheStep() {
    long project = newProject();
    String type = newType(new JsonObject().put("type", "object").put("properties", new JsonObject()
        .put("url", new JsonObject().put("type", "string"))));
    String workflow = diamond(project, type);
    String path = "/projects/" + project + "/workflows/" + workflow + "/runs";
    JsonObject missing = admin.post(path, new JsonObject()).problem(422);
    assertTrue(missing.getString("detail").contains("step a") && missing.getString("detail").contains("URL"), missing.encode());
    JsonObject wrongType = admin.post(path, new JsonObject().put("params", new JsonObject().put("URL", 5))).problem(422);
    assertTrue(wrongType.getString("detail").contains("step a"), wrongType.encode());
    admin.post(path, new JsonObject().put("run_id", "has:colon")).problem(422);
    admin.post("/projects/" + project + "/workflows/nope/runs", new JsonObject()).problem(404);
    admin.get("/projects/" + project + "/workflow-runs/nope").problem(404);
    String other = diamond(project, type);
    admin.post(path, new JsonObject().put("run_id", "mine").put("params", new JsonObject().put("URL", "u"))).expect(201);
    admin.post("/projects/" + project + "/workflows/" + other + "/runs", new JsonObject().put("run_id", "mine")
        .put("params", new JsonObject().put("URL", "u"))).problem(409);
    assertEquals(0L, sql("SELECT count(*) AS n FROM workflow_runs WHERE project_id = $1 AND run_key <> 'mine'", project)
        .iterator().next().getLong("n"), "nothing half-written");
  }
}
