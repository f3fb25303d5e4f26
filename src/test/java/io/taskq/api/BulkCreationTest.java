package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BulkCreationTest extends ServerTest {

  private JsonObject bulk(long project, JsonArray tasks, String strategy) {
    JsonObject body = new JsonObject().put("tasks", tasks);
    if (strategy != null) {
      body.put("duplicate_strategy", strategy);
    }
    return admin.post("/projects/" + project + "/tasks:bulk", body).expect(201).json();
  }

  private static JsonObject task(String type, String externalId, String title) {
    return new JsonObject().put("type", type).put("external_id", externalId).put("title", title);
  }

  @Test
  void concurrentBulkRequestsAreAllAnsweredThoughFewRunAtOnce() {
    long project = newProject();
    String type = newType();
    String path = "/projects/" + project + "/tasks:bulk";
    // More requests than an instance works on at once; the invalid ones must give their turn back.
    List<Future<Api.Response>> valid = new ArrayList<>();
    List<Future<Api.Response>> invalid = new ArrayList<>();
    for (int r = 0; r < 6; r++) {
      invalid.add(admin.postAsync(path, new JsonObject().put("tasks", new JsonArray()
          .add(new JsonObject().put("title", "bad priority").put("priority", "high")))));
      JsonArray tasks = new JsonArray();
      for (int i = 0; i < 50; i++) {
        tasks.add(task(type, "r" + r + "-" + i, null));
      }
      valid.add(admin.postAsync(path, new JsonObject().put("tasks", tasks)));
    }
    Future.all(valid).await();
    Future.all(invalid).await();
    Set<Long> ids = new HashSet<>();
    for (Future<Api.Response> sent : valid) {
      JsonArray created = sent.result().expect(201).json().getJsonArray("created");
      assertEquals(50, created.size());
      created.forEach(t -> ids.add(((JsonObject) t).getLong("id")));
    }
    assertEquals(300, ids.size());
    for (Future<Api.Response> sent : invalid) {
      assertEquals(422, sent.result().status());
    }
  }

  @Test
  void reRunningABulkSkipsWhatExistsByExternalId() {
    long project = newProject();
    String type = newType();
    JsonArray tasks = new JsonArray().add(task(type, "a", "A")).add(task(type, "b", "B"));
    JsonObject first = bulk(project, tasks, null);
    assertEquals(2, first.getJsonArray("created").size());
    assertEquals(new JsonObject().put("totalRequested", 2).put("created", 2).put("skipped", 0), first.getJsonObject("summary"));

    JsonObject second = bulk(project, tasks.copy().add(task(type, "c", "C")), null);
    assertEquals(1, second.getJsonArray("created").size());
    assertEquals("c", second.getJsonArray("created").getJsonObject(0).getString("external_id"));
    JsonArray skipped = second.getJsonArray("skipped");
    assertEquals(2, skipped.size());
    JsonObject skip = skipped.getJsonObject(0);
    assertEquals("duplicate_external_id", skip.getString("reason"));
    assertEquals("a", skip.getString("external_id"));
    assertEquals(first.getJsonArray("created").getJsonObject(0).getLong("id"), skip.getJsonObject("task").getLong("id"));
    assertEquals(new JsonObject().put("totalRequested", 3).put("created", 1).put("skipped", 2), second.getJsonObject("summary"));
  }

  @Test
  void duplicatesInsideOneRequestKeepTheFirst() {
    long project = newProject();
    String type = newType();
    JsonObject result = bulk(project, new JsonArray().add(task(type, "x", "first")).add(task(type, "x", "second")), null);
    assertEquals(1, result.getJsonArray("created").size());
    assertEquals("first", result.getJsonArray("created").getJsonObject(0).getString("title"));
    JsonObject skip = result.getJsonArray("skipped").getJsonObject(0);
    assertEquals(1, skip.getInteger("index"));
    assertEquals(result.getJsonArray("created").getJsonObject(0).getLong("id"), skip.getJsonObject("task").getLong("id"));
  }

  @Test
  void titleStrategyMatchesCaseInsensitively() {
    long project = newProject();
    String type = newType();
    bulk(project, new JsonArray().add(task(type, null, "Write docs")), "title");
    JsonObject result = bulk(project, new JsonArray().add(task(type, null, "WRITE DOCS")).add(task(type, null, "Other"))
        .add(task(type, null, "other")), "title");
    assertEquals(1, result.getJsonArray("created").size());
    assertEquals(Set.of("duplicate_title"), result.getJsonArray("skipped").stream()
        .map(o -> ((JsonObject) o).getString("reason")).collect(Collectors.toSet()));
    assertEquals(2, result.getJsonObject("summary").getInteger("skipped"));
  }

  @Test
  void titleAndMilestoneStrategyNeedsBothToMatch() {
    long project = newProject();
    String type = newType();
    bulk(project, new JsonArray().add(task(type, null, "Ship").put("milestone_id", "m1")), "title_and_milestone");
    JsonObject result = bulk(project, new JsonArray()
        .add(task(type, null, "ship").put("milestone_id", "m1"))
        .add(task(type, null, "ship").put("milestone_id", "m2")), "title_and_milestone");
    assertEquals(1, result.getJsonArray("created").size());
    assertEquals("m2", result.getJsonArray("created").getJsonObject(0).getString("milestone_id"));
    assertEquals("duplicate_title_and_milestone", result.getJsonArray("skipped").getJsonObject(0).getString("reason"));
  }

  @Test
  void noneStrategyStillHonoursExternalIds() {
    long project = newProject();
    String type = newType();
    bulk(project, new JsonArray().add(task(type, "n1", "same")), "none");
    JsonObject result = bulk(project, new JsonArray().add(task(type, null, "same")).add(task(type, "n1", "same")), "none");
    assertEquals(1, result.getJsonArray("created").size());
    assertEquals("duplicate_external_id", result.getJsonArray("skipped").getJsonObject(0).getString("reason"));
  }

  @Test
  void dedupeKeysAreHonouredInBulk() {
    long project = newProject();
    String type = newType();
    JsonObject t = new JsonObject().put("type", type).put("params", new JsonObject().put("k", 1)).put("dedupe", true);
    bulk(project, new JsonArray().add(t), null);
    JsonObject result = bulk(project, new JsonArray().add(t.copy()), null);
    assertEquals("duplicate_dedupe_key", result.getJsonArray("skipped").getJsonObject(0).getString("reason"));
  }

  @Test
  void oneInvalidItemRejectsTheWholeRequestListingEveryBadIndex() {
    long project = newProject();
    String type = newType(new JsonObject().put("type", "object").put("required", new JsonArray().add("n")));
    JsonArray tasks = new JsonArray()
        .add(new JsonObject().put("type", type).put("params", new JsonObject().put("n", 1)))
        .add(new JsonObject().put("type", type).put("params", new JsonObject()))
        .add(new JsonObject().put("type", "missing-type"))
        .add(new JsonObject().put("type", type).put("priority", "high").put("params", new JsonObject().put("n", 1)))
        .add("not an object");
    JsonObject problem = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", tasks)).problem(422);
    Set<Integer> indexes = problem.getJsonArray("errors").stream().map(o -> ((JsonObject) o).getInteger("index"))
        .collect(Collectors.toSet());
    assertEquals(Set.of(1, 2, 3, 4), indexes);
    assertEquals(0L, sql("SELECT count(*) FROM tasks WHERE project_id = $1", project).iterator().next().getLong(0),
        "nothing was written");
  }

  @Test
  void tenThousandTasksGoInOneRequestAndMoreAre413() {
    long project = newProject();
    String type = newType();
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < 10_000; i++) {
      tasks.add(new JsonObject().put("type", type).put("external_id", "t" + i));
    }
    JsonObject result = bulk(project, tasks, null);
    assertEquals(10_000, result.getJsonObject("summary").getInteger("created"));
    tasks.add(new JsonObject().put("type", type));
    admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", tasks)).problem(413);
    assertEquals(10_000L, sql("SELECT count(*) FROM tasks WHERE project_id = $1", project).iterator().next().getLong(0));
  }

  @Test
  void unknownStrategyIsRejected() {
    long project = newProject();
    String type = newType();
    JsonObject problem = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject()
        .put("tasks", new JsonArray().add(task(type, "z", "Z"))).put("duplicate_strategy", "fuzzy")).problem(422);
    assertTrue(problem.getString("detail").contains("duplicate_strategy"));
  }
}
