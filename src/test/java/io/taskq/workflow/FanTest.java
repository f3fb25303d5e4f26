package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskq.support.DependencyInvariant;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ten thousand prerequisites of one task, and ten thousand dependents of one task. */
class FanTest extends ServerTest {

  private static final int FAN = 10_000;

  @Test
  void aTaskWithTenThousandPrerequisitesIsReleasedByTheLastCompletionAlone() {
    long project = newProject();
    String type = newType();
    JsonArray items = new JsonArray();
    for (int i = 0; i < FAN; i++) {
      items.add(new JsonObject().put("type", type));
    }
    JsonArray created = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", items)).expect(201).json()
        .getJsonArray("created");
    JsonArray dependsOn = new JsonArray();
    created.forEach(t -> dependsOn.add(new JsonObject().put("task_id", ((JsonObject) t).getLong("id"))));
    JsonObject dependent = createTask(project, new JsonObject().put("type", type).put("priority", 1).put("depends_on", dependsOn));
    assertEquals("blocked", dependent.getString("status"));
    assertEquals(FAN, dependent.getInteger("unmet_prerequisites"));
    String path = "/projects/" + project + "/tasks/" + dependent.getLong("id");

    for (int done = 0; done < FAN; done += 100) {
      JsonArray claimed = claim(project, "w", 100);
      assertEquals(100, claimed.size(), "only the prerequisites are claimable (the dependent has priority and is not)");
      JsonArray completions = new JsonArray();
      claimed.forEach(t -> completions.add(new JsonObject().put("id", ((JsonObject) t).getLong("id"))
          .put("lease_id", ((JsonObject) t).getString("lease_id"))));
      admin.post("/projects/" + project + "/tasks:complete", new JsonObject().put("completions", completions)).expect(200);
      JsonObject now = admin.get(path).expect(200).json();
      assertEquals(FAN - done - 100, now.getInteger("unmet_prerequisites"));
      assertEquals(done + 100 == FAN ? "pending" : "blocked", now.getString("status"));
    }
    assertEquals(dependent.getLong("id"), claim(project, "w", 1).getJsonObject(0).getLong("id"));
    assertEquals(List.of(), DependencyInvariant.violations(server.sql()));
  }

  @Test
  void oneCompletionReleasesTenThousandDependentsInOneStatement() {
    long project = newProject();
    String type = newType();
    long root = createTask(project, type).getLong("id");
    JsonArray items = new JsonArray();
    for (int i = 0; i < FAN; i++) {
      items.add(new JsonObject().put("type", type).put("depends_on", new JsonArray().add(new JsonObject().put("task_id", root))));
    }
    admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", items)).expect(201);
    JsonArray claimed = claim(project, "w", 100);
    assertEquals(1, claimed.size(), "only the root is claimable");
    admin.post("/projects/" + project + "/tasks/" + root + ":complete",
        new JsonObject().put("lease_id", claimed.getJsonObject(0).getString("lease_id"))).expect(200);
    // The completion's answer came after its one statement committed: every dependent is released by then.
    assertEquals((long) FAN, sql("SELECT count(*) AS n FROM tasks WHERE project_id = $1 AND status = 'pending'", project)
        .iterator().next().getLong("n"));
    assertEquals((long) FAN, sql("""
        SELECT count(*) AS n FROM task_logs l JOIN tasks t ON t.id = l.task_id
         WHERE t.project_id = $1 AND l.event = 'released' AND (l.metadata ->> 'last_prerequisite_id')::bigint = $2
        """, project, root).iterator().next().getLong("n"));
    assertEquals(List.of(), DependencyInvariant.violations(server.sql()));
  }
}
