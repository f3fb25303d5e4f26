package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Task type versions are strings, and a version can be turned off for new tasks. */
class TaskTypeVersionTest extends ServerTest {

  private static final JsonObject ANY_OBJECT = new JsonObject().put("type", "object");

  private static String name() {
    return "v-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private Api.Response register(String name, Object version) {
    return admin.post("/task-types", new JsonObject().put("name", name).put("version", version).put("param_schema", ANY_OBJECT));
  }

  private Api.Response setActive(Api api, String encodedName, String encodedVersion, Object body) {
    return api.send(HttpMethod.PATCH, "/task-types/" + encodedName + "/versions/" + encodedVersion,
        Buffer.buffer(body instanceof JsonObject o ? o.encode() : body.toString()), "application/json").await();
  }

  private Api.Response setActive(String name, String version, boolean active) {
    return setActive(admin, name, version, new JsonObject().put("active", active));
  }

  private Api.Response create(long project, JsonObject body) {
    return admin.post("/projects/" + project + "/tasks", body);
  }

  private static List<String> pointers(JsonObject problem) {
    return problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("pointer")).toList();
  }

  @Test
  void versionsAreStringsAndANumberMeansItsDecimalString() {
    String name = name();
    assertEquals("1.0.0", register(name, "1.0.0").expect(201).json().getString("version"));
    assertEquals("2025-06-01", register(name, "2025-06-01").expect(201).json().getString("version"));
    JsonObject two = register(name, 2).expect(201).json();
    assertEquals("2", two.getString("version"));
    assertEquals(two.getLong("id"), register(name, "2").expect(200).json().getLong("id"), "2 and \"2\" are one version");
    assertEquals(two.getLong("id"), register(name, 2.0).expect(200).json().getLong("id"), "2.0 is the whole number 2");
    assertEquals("50", register(name, 5e1).expect(201).json().getString("version"));
    List<Object> listed = admin.get("/task-types").items().stream().map(o -> (JsonObject) o)
        .filter(t -> t.getString("name").equals(name)).map(t -> t.getValue("version")).toList();
    assertEquals(List.of("1.0.0", "2025-06-01", "2", "50"), listed, "strings, in registration order");

    long project = newProject();
    JsonObject task = create(project, new JsonObject().put("type", name).put("type_version", 2)).expect(201).json();
    assertEquals("2", task.getString("type_version"));
    assertEquals("1.0.0", create(project, new JsonObject().put("type", name).put("type_version", "1.0.0")).expect(201).json()
        .getString("type_version"));
  }

  @Test
  void malformedVersionsAre422() {
    String name = name();
    for (Object bad : List.<Object>of(-1, 1.5, new java.math.BigInteger("9223372036854775808"), "", " ", "1 0", "tab\t",
        "x".repeat(51), true, new JsonObject())) {
      JsonObject problem = register(name, bad).problem(422);
      assertEquals(List.of("/version"), pointers(problem), "version " + bad);
    }
    assertEquals("x".repeat(50), register(name, "x".repeat(50)).expect(201).json().getString("version"));
    long project = newProject();
    assertEquals(List.of("/type_version"),
        pointers(create(project, new JsonObject().put("type", name).put("type_version", "a b")).problem(422)));
  }

  @Test
  void theDefaultIsTheMostRecentlyRegisteredActiveVersionNotTheHighest() {
    String name = name();
    register(name, 10).expect(201);
    register(name, 9).expect(201);
    long project = newProject();
    assertEquals("9", create(project, new JsonObject().put("type", name)).expect(201).json().getString("type_version"));
    register(name, "2025-06-01").expect(201);
    assertEquals("2025-06-01", create(project, new JsonObject().put("type", name)).expect(201).json().getString("type_version"));
  }

  @Test
  void anInactiveVersionRefusesNewTasksAndIsNoLongerTheDefault() {
    String name = name();
    register(name, "1").expect(201);
    register(name, "2").expect(201);
    long project = newProject();
    JsonObject before = create(project, new JsonObject().put("type", name).put("type_version", "2").put("external_id", "before"))
        .expect(201).json();

    JsonObject off = setActive(name, "2", false).expect(200).json();
    assertFalse(off.getBoolean("active"));
    assertEquals("2", off.getString("version"));
    assertFalse(admin.get("/task-types").items().stream().map(o -> (JsonObject) o)
        .filter(t -> t.getString("name").equals(name) && t.getString("version").equals("2")).findFirst().orElseThrow()
        .getBoolean("active"));

    JsonObject refused = create(project, new JsonObject().put("type", name).put("type_version", "2")).problem(422);
    assertEquals(List.of("/type_version"), pointers(refused));
    assertTrue(refused.getJsonArray("errors").getJsonObject(0).getString("message").contains("inactive"));
    JsonObject bulk = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", new JsonArray()
        .add(new JsonObject().put("type", name)).add(new JsonObject().put("type", name).put("type_version", 2)))).problem(422);
    assertEquals(List.of("/tasks/1/type_version"), pointers(bulk));
    assertEquals(1, bulk.getJsonArray("errors").getJsonObject(0).getInteger("index"));
    assertEquals("1", create(project, new JsonObject().put("type", name)).expect(201).json().getString("type_version"),
        "the default falls back to the newest active version");

    // Tasks of the inactive version already created still run.
    JsonArray claimed = admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w").put("limit", 10)
        .put("types", new JsonArray().add(name))).expect(200).json().getJsonArray("tasks");
    assertTrue(claimed.stream().anyMatch(t -> ((JsonObject) t).getLong("id").equals(before.getLong("id"))));
    JsonObject held = claimed.stream().map(t -> (JsonObject) t).filter(t -> t.getLong("id").equals(before.getLong("id")))
        .findFirst().orElseThrow();
    admin.post("/projects/" + project + "/tasks/" + held.getLong("id") + ":complete",
        new JsonObject().put("lease_id", held.getString("lease_id"))).expect(200);

    setActive(name, "1", false).expect(200);
    assertEquals(List.of("/type"), pointers(create(project, new JsonObject().put("type", name)).problem(422)),
        "no active version: nothing to default to");
    assertTrue(setActive(name, "2", true).expect(200).json().getBoolean("active"));
    assertEquals("2", create(project, new JsonObject().put("type", name)).expect(201).json().getString("type_version"));
    assertTrue(setActive(name, "2", true).expect(200).json().getBoolean("active"), "setting the flag it has is 200 too");
  }

  @Test
  void aVersionFirstSeenInactiveIsUsableOnceActiveAgain() {
    String name = name();
    register(name, "1").expect(201);
    setActive(name, "1", false).expect(200);
    long project = newProject();
    // The first create to name the version meets it inactive (and compiles its schema then).
    create(project, new JsonObject().put("type", name).put("type_version", "1")).problem(422);
    setActive(name, "1", true).expect(200);
    assertEquals("1", create(project, new JsonObject().put("type", name)).expect(201).json().getString("type_version"));
    assertEquals("1", create(project, new JsonObject().put("type", name).put("type_version", "1")).expect(201).json()
        .getString("type_version"));
  }

  @Test
  void versionsAndNamesInThePathArePercentDecoded() {
    String name = "ns/" + name();
    String encodedName = name.replace("/", "%2F");
    register(name, "1.0+build.5").expect(201);
    register(name, "é/2").expect(201);
    assertFalse(setActive(admin, encodedName, "1.0+build.5", new JsonObject().put("active", false)).expect(200).json()
        .getBoolean("active"), "'+' is a plus in a path, not a space");
    assertTrue(setActive(admin, encodedName, "1.0%2Bbuild.5", new JsonObject().put("active", true)).expect(200).json()
        .getBoolean("active"));
    assertEquals("é/2", setActive(admin, encodedName, "%C3%A9%2F2", new JsonObject().put("active", false)).expect(200).json()
        .getString("version"));
  }

  @Test
  void unknownVersionsAre404BadBodiesAre422AndOnlyAdminsMayChangeTheFlag() {
    String name = name();
    register(name, "1").expect(201);
    setActive(name, "2", false).problem(404);
    setActive(name(), "1", false).problem(404);
    setActive(admin, "has%20space", "1", new JsonObject().put("active", false)).problem(404);
    setActive(admin, name, "1%201", new JsonObject().put("active", false)).problem(404);
    assertEquals(List.of("/active"), pointers(setActive(admin, name, "1", new JsonObject()).problem(422)));
    assertEquals(List.of("/active"), pointers(setActive(admin, name, "1", new JsonObject().put("active", "no")).problem(422)));
    assertEquals(List.of("/colour"), pointers(setActive(admin, name, "1", new JsonObject().put("active", true).put("colour", "red"))
        .problem(422)));
    setActive(admin, name, "1", "{\"active\": fals").problem(400);
    Api writer = admin.withKey(newKey(null, "tasks:write", "tasks:read"));
    setActive(writer, name, "1", new JsonObject().put("active", false)).problem(403);
    setActive(admin.withKey(null), name, "1", new JsonObject().put("active", false)).problem(401);
    assertTrue(admin.get("/task-types").items().stream().map(o -> (JsonObject) o)
        .filter(t -> t.getString("name").equals(name)).allMatch(t -> t.getBoolean("active")), "no refused request changed it");
  }
}
