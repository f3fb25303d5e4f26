package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkflowDefinitionTest extends ServerTest {

  private static String workflows(long project) {
    return "/projects/" + project + "/workflows";
  }

  private static JsonObject step(String name, String type, String... dependsOn) {
    JsonObject step = new JsonObject().put("name", name).put("type", type);
    if (dependsOn.length > 0) {
      step.put("depends_on", new JsonArray(List.of((Object[]) dependsOn)));
    }
    return step;
  }

  private static JsonObject workflow(String name, JsonObject... steps) {
    return new JsonObject().put("name", name).put("version", 1).put("steps", new JsonArray(List.of((Object[]) steps)));
  }

  private static String name() {
    return "wf-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The pointers of a 422's errors, in order. */
  private static List<String> pointers(JsonObject problem) {
    return problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("pointer")).toList();
  }

  private JsonObject invalid(long project, JsonObject body) {
    JsonObject problem = admin.post(workflows(project), body).problem(422);
    assertEquals("https://taskq.dev/problems/validation-failed", problem.getString("type"));
    return problem;
  }

  @Test
  void registeringReturnsTheDefinitionWithItsDefaultsFilledIn() {
    long project = newProject();
    String type = newType();
    JsonObject body = workflow(name(), step("fetch", type).put("params", new JsonObject().put("url", "${URL}").put("n", 3)),
        step("store", type, "fetch").put("type_version", 1).put("link_type", "blocks"));
    JsonObject created = admin.post(workflows(project), body).expect(201).json();
    assertEquals(project, created.getLong("project_id"));
    assertEquals(body.getString("name"), created.getString("name"));
    assertEquals(1, created.getInteger("version"));
    assertNull(created.getValue("schedule"));
    assertEquals(new JsonArray()
            .add(new JsonObject().put("name", "fetch").put("type", type).putNull("type_version")
                .put("params", new JsonObject().put("url", "${URL}").put("n", 3)).put("depends_on", new JsonArray())
                .put("link_type", "requires"))
            .add(new JsonObject().put("name", "store").put("type", type).put("type_version", "1").put("params", new JsonObject())
                .put("depends_on", new JsonArray().add("fetch")).put("link_type", "blocks")),
        created.getJsonArray("steps"), "params kept as a template, defaults filled");
  }

  @Test
  void aStepsTypeVersionIsAStringAndARunOfAnInactiveVersionIsRefused() {
    long project = newProject();
    String type = newType();
    String name = name();
    JsonObject created = admin.post(workflows(project), workflow(name, step("a", type).put("type_version", 1))).expect(201).json();
    assertEquals("1", created.getJsonArray("steps").getJsonObject(0).getString("type_version"));
    assertEquals(created.getLong("id"), admin.post(workflows(project), workflow(name, step("a", type).put("type_version", "1")))
        .expect(200).json().getLong("id"), "1 and \"1\" are the same version: the same definition");
    admin.send(io.vertx.core.http.HttpMethod.PATCH, "/task-types/" + type + "/versions/1",
        io.vertx.core.buffer.Buffer.buffer("{\"active\": false}"), "application/json").await().expect(200);
    admin.post(workflows(project) + "/" + name + "/runs", new JsonObject().put("run_id", "r1")).problem(422);
  }

  @Test
  void theSameDefinitionAgainIs200WithTheSameIdAndADifferentOneIs409() {
    long project = newProject();
    String type = newType();
    String name = name();
    JsonObject body = workflow(name, step("a", type).put("params", new JsonObject().put("x", 1).put("y", "${Y}")), step("b", type, "a"));
    long id = admin.post(workflows(project), body).expect(201).json().getLong("id");
    assertEquals(id, admin.post(workflows(project), body).expect(200).json().getLong("id"));

    // Defaults spelled out and keys in another order mean the same definition.
    JsonObject spelledOut = new JsonObject().put("steps", new JsonArray()
            .add(new JsonObject().put("type", type).put("params", new JsonObject().put("y", "${Y}").put("x", 1)).put("name", "a")
                .put("depends_on", new JsonArray()).put("link_type", "requires").putNull("type_version"))
            .add(step("b", type, "a").put("params", new JsonObject())))
        .put("version", 1).put("name", name).putNull("schedule");
    assertEquals(id, admin.post(workflows(project), spelledOut).expect(200).json().getLong("id"));

    JsonObject different = workflow(name, step("a", type).put("params", new JsonObject().put("x", 2).put("y", "${Y}")), step("b", type, "a"));
    JsonObject conflict = admin.post(workflows(project), different).problem(409);
    assertEquals("https://taskq.dev/problems/workflow-conflict", conflict.getString("type"));
    JsonObject otherLinks = workflow(name, step("a", type).put("params", new JsonObject().put("x", 1).put("y", "${Y}")),
        step("b", type, "a").put("link_type", "suggests"));
    admin.post(workflows(project), otherLinks).problem(409);
    admin.post(workflows(project), body.copy().put("schedule", new JsonObject().put("cron", "0 * * * *"))).problem(409);

    // Another version, or the same name in another project, is another workflow.
    assertTrue(admin.post(workflows(project), different.copy().put("version", 2)).expect(201).json().getLong("id") != id);
    assertTrue(admin.post(workflows(newProject()), body).expect(201).json().getLong("id") != id);
  }

  @Test
  void concurrentRegistrationsOfOneDefinitionCreateItOnce() {
    long project = newProject();
    JsonObject body = workflow(name(), step("only", newType()));
    List<Future<Api.Response>> sent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sent.add(admin.postAsync(workflows(project), body));
    }
    Future.all(sent).await();
    List<Integer> statuses = sent.stream().map(f -> f.result().status()).sorted().toList();
    assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 201), statuses);
    assertEquals(1, sent.stream().map(f -> f.result().json().getLong("id")).distinct().count());
    assertEquals(1L, sql("SELECT count(*) FROM workflows WHERE project_id = $1", project).iterator().next().getLong(0));
  }

  @Test
  void aCycleIsRefusedNamingItsStepsInOrder() {
    long project = newProject();
    String type = newType();
    // a depends on b, b on c, c on a.
    JsonObject problem = invalid(project, workflow(name(), step("a", type, "b"), step("b", type, "c"), step("c", type, "a")));
    assertEquals(new JsonArray().add("a").add("b").add("c").add("a"), problem.getJsonArray("cycle"));
    assertEquals(List.of("/steps"), pointers(problem));
    assertTrue(problem.getString("detail").contains("a -> b -> c -> a"), problem.getString("detail"));

    // The first cycle found, from the first step in order, through depends_on in order.
    JsonObject later = invalid(project, workflow(name(), step("entry", type, "x"), step("x", type, "y", "z"), step("y", type),
        step("z", type, "x")));
    assertEquals(new JsonArray().add("x").add("z").add("x"), later.getJsonArray("cycle"));
    assertEquals(0L, sql("SELECT count(*) FROM workflows WHERE project_id = $1", project).iterator().next().getLong(0));
  }

  @Test
  void aStepThatDependsOnItselfIsNamedAtItsEntry() {
    long project = newProject();
    String type = newType();
    JsonObject problem = invalid(project, workflow(name(), step("a", type), step("b", type, "a", "b")));
    assertEquals(List.of("/steps/1/depends_on/1"), pointers(problem));
    assertEquals(1, problem.getJsonArray("errors").getJsonObject(0).getInteger("index"));
    assertFalse(problem.containsKey("cycle"));
  }

  @Test
  void unknownDuplicateAndSelfLinksAreEachNamedAtTheirEntry() {
    long project = newProject();
    String type = newType();
    JsonObject problem = invalid(project, workflow(name(), step("a", type, "nowhere"), step("b", type, "a", "a"),
        step("c", type, "c")));
    assertEquals(List.of("/steps/0/depends_on/0", "/steps/1/depends_on/1", "/steps/2/depends_on/0"), pointers(problem));
    assertEquals(List.of(0, 1, 2), problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getInteger("index")).toList());
  }

  @Test
  void unknownTypesAndVersionsAreNamedAtTheStepsType() {
    long project = newProject();
    String type = newType();
    JsonObject problem = invalid(project, workflow(name(), step("a", type), step("b", "no-such-type-" + UUID.randomUUID()),
        step("c", type).put("type_version", 7), step("d", type, "c")));
    assertEquals(List.of("/steps/1/type", "/steps/2/type"), pointers(problem));
    assertTrue(problem.getJsonArray("errors").getJsonObject(1).getString("message").contains("has no version 7"));
    // A name no type can have is a fault of the field itself.
    assertEquals(List.of("/steps/0/type"), pointers(invalid(project, workflow(name(), step("a", "bad type!")))));
  }

  @Test
  void stepNamesMustBeSpelledRightAndUnique() {
    long project = newProject();
    String type = newType();
    assertEquals(List.of("/steps/1/name"), pointers(invalid(project, workflow(name(), step("a", type), step("a", type)))));
    for (String bad : List.of("has:colon", "a@b", "a/b", "-a", "", "x".repeat(101), "sp ace")) {
      assertEquals(List.of("/steps/0/name"), pointers(invalid(project, workflow(name(), step(bad, type)))), bad);
    }
    assertEquals(List.of("/steps/0/name"), pointers(invalid(project, workflow(name(), new JsonObject().put("type", type)))));
  }

  @Test
  void theWorkflowsNameVersionAndStepCountAreChecked() {
    long project = newProject();
    String type = newType();
    for (String bad : List.of("has:colon", "a@b", "a/b", "_a", " ", "x".repeat(201))) {
      assertEquals(List.of("/name"), pointers(invalid(project, workflow(bad, step("a", type)))), bad);
    }
    assertEquals(List.of("/version"), pointers(invalid(project, workflow(name(), step("a", type)).put("version", 0))));
    assertEquals(List.of("/version"), pointers(invalid(project, workflow(name(), step("a", type)).put("version", 1_000_001))));
    assertEquals(List.of("/steps"), pointers(invalid(project, workflow(name()))));
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 1001; i++) {
      tooMany.add(step("s" + i, type));
    }
    assertEquals(List.of("/steps"), pointers(invalid(project, workflow(name()).put("steps", tooMany))));
    assertEquals(List.of("/steps/0"), pointers(invalid(project, workflow(name()).put("steps", new JsonArray().add("a")))));
    assertEquals(List.of("/name", "/version", "/steps"), pointers(invalid(project, new JsonObject())));
  }

  @Test
  void aThousandStepsInOneLongChainRegister() {
    long project = newProject();
    String type = newType();
    JsonArray steps = new JsonArray();
    for (int i = 0; i < 1000; i++) {
      steps.add(i == 0 ? step("s0", type) : step("s" + i, type, "s" + (i - 1)));
    }
    JsonObject created = admin.post(workflows(project), workflow(name()).put("steps", steps)).expect(201).json();
    assertEquals(1000, created.getJsonArray("steps").size());
  }

  @Test
  void paramsLinkTypesAndUnknownFieldsAreChecked() {
    long project = newProject();
    String type = newType();
    assertEquals(List.of("/steps/0/params"), pointers(invalid(project, workflow(name(), step("a", type).put("params", "x")))));
    assertEquals(List.of("/steps/0/params"), pointers(invalid(project, workflow(name(), step("a", type).put("params", new JsonArray())))));
    assertEquals(List.of("/steps/1/link_type"),
        pointers(invalid(project, workflow(name(), step("a", type), step("b", type, "a").put("link_type", "needs")))));
    assertEquals(List.of("/steps/0/depends_on"),
        pointers(invalid(project, workflow(name(), step("a", type).put("depends_on", "b")))));
    assertEquals(List.of("/steps/0/depends_on/0"),
        pointers(invalid(project, workflow(name(), step("a", type).put("depends_on", new JsonArray().add(5))))));
    assertEquals(List.of("/steps/0/type_version"),
        pointers(invalid(project, workflow(name(), step("a", type).put("type_version", -1)))));
    JsonObject unknown = workflow(name(), step("a", type).put("colour", "red")).put("color", "blue")
        .put("schedule", new JsonObject().put("cron", "* * * * *").put("every", 5));
    assertEquals(List.of("/steps/0/colour", "/schedule/every", "/color"), pointers(invalid(project, unknown)));
  }

  @Test
  void theScheduleIsChecked() {
    long project = newProject();
    String type = newType();
    JsonObject base = workflow(name(), step("a", type));
    for (String cron : List.of("* * * *", "61 * * * *", "@daily", "0 0 30 2 *", "", "a b c d e")) {
      JsonObject problem = invalid(project, base.copy().put("schedule", new JsonObject().put("cron", cron)));
      assertEquals(List.of("/schedule/cron"), pointers(problem), cron);
      String message = problem.getJsonArray("errors").getJsonObject(0).getString("message");
      assertFalse(message.contains("Failed to parse") || message.contains("Invalid"), message);
    }
    for (String zone : List.of("Mars/Olympus", "+01:00", "europe/prague", "")) {
      assertEquals(List.of("/schedule/timezone"), pointers(invalid(project, base.copy().put("schedule",
          new JsonObject().put("cron", "* * * * *").put("timezone", zone)))), zone);
    }
    assertEquals(List.of("/schedule/cron", "/schedule/timezone"), pointers(invalid(project, base.copy().put("schedule",
        new JsonObject().put("cron", "nope").put("timezone", "Nowhere/Else")))).stream().sorted().toList());
    assertEquals(List.of("/schedule/params"), pointers(invalid(project, base.copy().put("schedule",
        new JsonObject().put("cron", "* * * * *").put("params", 3)))));
    assertEquals(List.of("/schedule/cron"), pointers(invalid(project, base.copy().put("schedule", new JsonObject()))));
    assertEquals(List.of("/schedule"), pointers(invalid(project, base.copy().put("schedule", "*/5 * * * *"))));
  }

  @Test
  void aScheduleShowsItsNextDueTimeFromNow() {
    long project = newProject();
    String type = newType();
    Instant before = Instant.now();
    JsonObject every5 = admin.post(workflows(project), workflow(name(), step("a", type))
        .put("schedule", new JsonObject().put("cron", "*/5 * * * *").put("params", new JsonObject().put("N", 1)))).expect(201).json();
    JsonObject schedule = every5.getJsonObject("schedule");
    assertEquals("*/5 * * * *", schedule.getString("cron"));
    assertEquals("UTC", schedule.getString("timezone"), "the default zone");
    assertEquals(new JsonObject().put("N", 1), schedule.getJsonObject("params"));
    Instant due = Instant.parse(schedule.getString("next_due_at"));
    assertTrue(due.isAfter(before) && !due.isAfter(Instant.now().plus(Duration.ofMinutes(5))), due.toString());
    assertEquals(0, due.atZone(ZoneId.of("UTC")).getMinute() % 5);
    assertEquals(0, due.getEpochSecond() % 60);

    JsonObject daily = admin.post(workflows(project), workflow(name(), step("a", type))
        .put("schedule", new JsonObject().put("cron", "30 2 * * *").put("timezone", "Europe/Prague"))).expect(201).json();
    ZonedDateTime local = Instant.parse(daily.getJsonObject("schedule").getString("next_due_at")).atZone(ZoneId.of("Europe/Prague"));
    assertEquals(2, local.getHour());
    assertEquals(30, local.getMinute());
    assertEquals(new JsonObject(), daily.getJsonObject("schedule").getJsonObject("params"));
    // Read again, it is computed again: the same due time while it is still ahead.
    assertEquals(daily.getJsonObject("schedule").getString("next_due_at"),
        admin.get(workflows(project) + "/" + daily.getString("name")).expect(200).json().getJsonObject("schedule").getString("next_due_at"));
  }

  @Test
  void listingPagesThroughEveryVersionAndFiltersByName() {
    long project = newProject();
    String type = newType();
    List<Long> ids = new ArrayList<>();
    String repeated = name();
    for (int v = 1; v <= 3; v++) {
      ids.add(admin.post(workflows(project), workflow(repeated, step("a", type)).put("version", v)).expect(201).json().getLong("id"));
      ids.add(admin.post(workflows(project), workflow(name(), step("a", type))).expect(201).json().getLong("id"));
    }
    List<Long> seen = new ArrayList<>();
    String path = workflows(project) + "?limit=4";
    JsonObject page = admin.get(path).expect(200).json();
    page.getJsonArray("items").forEach(w -> seen.add(((JsonObject) w).getLong("id")));
    assertEquals(4, seen.size());
    long cursor = page.getLong("next_after");
    page = admin.get(path + "&after=" + cursor).expect(200).json();
    page.getJsonArray("items").forEach(w -> seen.add(((JsonObject) w).getLong("id")));
    assertNull(page.getValue("next_after"));
    assertEquals(ids, seen);

    JsonObject named = admin.get(workflows(project) + "?name=" + repeated).expect(200).json();
    assertEquals(List.of(1, 2, 3), named.getJsonArray("items").stream().map(w -> ((JsonObject) w).getInteger("version")).toList());
    assertNull(named.getValue("next_after"));
    assertEquals(0, admin.get(workflows(project) + "?name=nothing-" + UUID.randomUUID()).expect(200).json().getJsonArray("items").size());
    assertEquals(0, admin.get(workflows(newProject())).expect(200).items().size(), "projects do not see each other's workflows");
    assertEquals(6, admin.get(workflows(project)).expect(200).items().size(), "a default page holds them all");

    admin.get(workflows(project) + "?limit=101").problem(400);
    admin.get(workflows(project) + "?limit=0").problem(400);
    admin.get(workflows(project) + "?after=-1").problem(400);
    admin.get(workflows(project) + "?version=1").problem(400);
  }

  @Test
  void getByNameAnswersTheNewestVersionOrTheOneAskedFor() {
    long project = newProject();
    String type = newType();
    String name = name();
    admin.post(workflows(project), workflow(name, step("v1", type))).expect(201);
    admin.post(workflows(project), workflow(name, step("v3", type)).put("version", 3)).expect(201);
    admin.post(workflows(project), workflow(name, step("v2", type)).put("version", 2)).expect(201);
    JsonObject newest = admin.get(workflows(project) + "/" + name).expect(200).json();
    assertEquals(3, newest.getInteger("version"));
    assertEquals("v3", newest.getJsonArray("steps").getJsonObject(0).getString("name"));
    assertEquals("v2", admin.get(workflows(project) + "/" + name + "?version=2").expect(200).json()
        .getJsonArray("steps").getJsonObject(0).getString("name"));

    admin.get(workflows(project) + "/" + name + "?version=4").problem(404);
    admin.get(workflows(project) + "/other-" + UUID.randomUUID()).problem(404);
    admin.get(workflows(project) + "/bad@name").problem(404);
    admin.get(workflows(newProject()) + "/" + name).problem(404);
    admin.get(workflows(project) + "/" + name + "?version=0").problem(400);
    admin.get(workflows(project) + "/" + name + "?version=01").problem(400);
    admin.get(workflows(project) + "/" + name + "?limit=1").problem(400);
  }

  @Test
  void anUnknownProjectIs404() {
    String type = newType();
    admin.post("/projects/999999999/workflows", workflow(name(), step("a", type))).problem(404);
    admin.get("/projects/999999999/workflows").problem(404);
    admin.get("/projects/999999999/workflows/x").problem(404);
  }

  @Test
  void readersCanListButOnlyWritersCanRegister() {
    long project = newProject();
    String type = newType();
    JsonObject body = workflow(name(), step("a", type));
    Api reader = admin.withKey(newKey(project, "tasks:read"));
    reader.post(workflows(project), body).problem(403);
    assertEquals(0, reader.get(workflows(project)).expect(200).items().size());
    Api writer = admin.withKey(newKey(project, "tasks:write"));
    writer.post(workflows(project), body).expect(201);
    writer.get(workflows(project)).problem(403);
    reader.get(workflows(project) + "/" + body.getString("name")).expect(200);
    admin.withKey(newKey(newProject(), "tasks:read", "tasks:write")).get(workflows(project)).problem(403);
    anonymous().get(workflows(project)).problem(401);
  }

  @Test
  void otherMethodsAre405NamingWhatEachPathTakes() {
    long project = newProject();
    Api.Response onList = admin.send(HttpMethod.DELETE, workflows(project), null, null).await();
    assertEquals(405, onList.status());
    assertEquals(Set.of("GET", "HEAD", "POST"), Set.of(onList.headers().get("Allow").split(", ")));
    Api.Response onOne = admin.send(HttpMethod.POST, workflows(project) + "/x", Buffer.buffer("{}"), "application/json").await();
    assertEquals(405, onOne.status());
    assertEquals(Set.of("GET", "HEAD"), Set.of(onOne.headers().get("Allow").split(", ")));
  }
}
