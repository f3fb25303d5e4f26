package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The requests a client of the original dashboard API sends, exactly as it sends them (no type,
 * "status": "open", "priority_score"), and the answers it reads: create 201, the same create
 * again 200 with the original unchanged, bulk with created / skipped / summary.totalRequested.
 */
class OriginalDashboardClientTest extends ServerTest {

  private static JsonObject dashboardTask(String title, String description, int priorityScore, String externalId) {
    return new JsonObject().put("title", title).put("description", description).put("status", "open")
        .put("priority_score", priorityScore).put("external_id", externalId);
  }

  private static JsonObject bulk(String strategy, JsonObject... tasks) {
    JsonObject body = new JsonObject().put("tasks", new JsonArray(List.of((Object[]) tasks)));
    return strategy == null ? body : body.put("duplicate_strategy", strategy);
  }

  private JsonObject postBulk(long project, JsonObject body) {
    return admin.post("/projects/" + project + "/tasks:bulk", body).expect(201).json();
  }

  private static List<String> titles(JsonArray tasks) {
    return tasks.stream().map(t -> ((JsonObject) t).getString("title")).toList();
  }

  @Test
  void createIs201WithTheTaskAndTheSameCreateAgainIs200WithTheOriginalUnchanged() {
    long project = newProject();
    String path = "/projects/" + project + "/tasks";
    JsonObject created = admin.post(path, dashboardTask("Fix login bug", "Users cannot log in with SSO", 5, "DASH-101"))
        .expect(201).json();
    assertEquals("Fix login bug", created.getString("title"));
    assertEquals("Users cannot log in with SSO", created.getString("description"));
    assertEquals("pending", created.getString("status"));
    assertEquals(5, created.getInteger("priority_score"));
    assertEquals(5, created.getInteger("priority"));
    assertEquals("DASH-101", created.getString("external_id"));
    assertEquals(null, created.getValue("type"));
    assertEquals(new JsonObject(), created.getJsonObject("params"));

    JsonObject again = admin.post(path, dashboardTask("Fix login bug", "Users cannot log in with SSO", 5, "DASH-101"))
        .expect(200).json();
    assertEquals(created, again, "the same body again answers the original");
    JsonObject changed = admin.post(path, dashboardTask("Fix the login bug now", "edited", 9, "DASH-101")).expect(200).json();
    assertEquals(created, changed, "a different body with the same external_id answers the original, unchanged");
    assertEquals(created, admin.get(path + "/" + created.getLong("id")).expect(200).json());
  }

  @Test
  void bulkAnswersCreatedSkippedAndTheSummaryForNewAndDuplicateItems() {
    long project = newProject();
    JsonObject existing = admin.post("/projects/" + project + "/tasks", dashboardTask("Existing", "stored before", 1, "DASH-1"))
        .expect(201).json();
    JsonObject answer = postBulk(project, bulk(null,
        dashboardTask("Existing again", "same external id as a stored task", 2, "DASH-1"),
        dashboardTask("New one", "new", 3, "DASH-2"),
        dashboardTask("New two", "new", 4, "DASH-3"),
        dashboardTask("Repeated in the request", "second item with DASH-2", 5, "DASH-2")));

    assertEquals(List.of("New one", "New two"), titles(answer.getJsonArray("created")));
    assertEquals(List.of(3, 4), answer.getJsonArray("created").stream().map(t -> ((JsonObject) t).getInteger("priority_score")).toList());
    JsonArray skipped = answer.getJsonArray("skipped");
    assertEquals(2, skipped.size());
    JsonObject first = skipped.getJsonObject(0);
    assertEquals(0, first.getInteger("index"));
    assertEquals("duplicate_external_id", first.getString("reason"));
    assertEquals("DASH-1", first.getString("external_id"));
    assertEquals(existing, first.getJsonObject("task"), "the stored task, unchanged");
    JsonObject second = skipped.getJsonObject(1);
    assertEquals(3, second.getInteger("index"));
    assertEquals("duplicate_external_id", second.getString("reason"));
    assertEquals("DASH-2", second.getString("external_id"));
    assertEquals("New one", second.getJsonObject("task").getString("title"), "the first item with the id wins");
    assertEquals(new JsonObject().put("totalRequested", 4).put("created", 2).put("skipped", 2), answer.getJsonObject("summary"));
  }

  @Test
  void bulkWithTheTitleStrategiesSkipsTitlesAlreadyThereWhateverTheirCase() {
    long project = newProject();
    postBulk(project, bulk(null, dashboardTask("Write docs", "", 1, null).put("milestone_id", "M1")));
    JsonObject byTitle = postBulk(project, bulk("title",
        dashboardTask("WRITE DOCS", "same title, other case", 1, null),
        dashboardTask("Ship release", "new", 2, null),
        dashboardTask("ship release", "repeated in the request", 3, null)));
    assertEquals(List.of("Ship release"), titles(byTitle.getJsonArray("created")));
    assertEquals(List.of("duplicate_title", "duplicate_title"),
        byTitle.getJsonArray("skipped").stream().map(s -> ((JsonObject) s).getString("reason")).toList());
    assertEquals(List.of(0, 2), byTitle.getJsonArray("skipped").stream().map(s -> ((JsonObject) s).getInteger("index")).toList());
    assertTrue(byTitle.getJsonArray("skipped").stream().allMatch(s -> ((JsonObject) s).containsKey("external_id")
        && ((JsonObject) s).getValue("external_id") == null), "items without an external id say so");
    assertEquals(new JsonObject().put("totalRequested", 3).put("created", 1).put("skipped", 2), byTitle.getJsonObject("summary"));

    JsonObject byMilestone = postBulk(project, bulk("title_and_milestone",
        dashboardTask("Write docs", "same title, same milestone", 1, "DASH-20").put("milestone_id", "M1"),
        dashboardTask("Write docs", "same title, another milestone", 1, "DASH-21").put("milestone_id", "M2")));
    assertEquals(List.of("same title, another milestone"),
        byMilestone.getJsonArray("created").stream().map(t -> ((JsonObject) t).getString("description")).toList());
    JsonObject skipped = byMilestone.getJsonArray("skipped").getJsonObject(0);
    assertEquals("duplicate_title_and_milestone", skipped.getString("reason"));
    assertEquals("DASH-20", skipped.getString("external_id"));
    assertEquals("M1", skipped.getJsonObject("task").getString("milestone_id"));
    assertEquals(new JsonObject().put("totalRequested", 2).put("created", 1).put("skipped", 1), byMilestone.getJsonObject("summary"));
  }
}
