package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.auth.Secrets;
import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

class AuthTest extends ServerTest {

  @Test
  void everyEndpointButProbesNeedsAKey() {
    Api nobody = anonymous();
    nobody.get("/projects").problem(401);
    nobody.post("/projects", new JsonObject().put("name", "x")).problem(401);
    nobody.get("/task-types").problem(401);
    nobody.get("/api-keys").problem(401);
    nobody.post("/projects/1/tasks:claim", new JsonObject().put("worker_id", "w")).problem(401);
    admin.withKey("tq_not_a_key").get("/projects").problem(401);
    nobody.get("/health/live").expect(200);
    nobody.get("/health/ready").expect(200);
    nobody.get("/metrics").expect(200);
    nobody.get("/openapi.yaml").expect(200);
  }

  @Test
  void keysNeedTheRightPermission() {
    long project = newProject();
    String type = newType();
    Api reader = admin.withKey(newKey(null, "tasks:read"));
    Api writer = admin.withKey(newKey(null, "tasks:write"));
    Api worker = admin.withKey(newKey(null, "tasks:claim"));
    reader.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)).problem(403);
    reader.post("/projects", new JsonObject().put("name", "nope")).problem(403);
    long id = writer.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)).expect(201).json().getLong("id");
    writer.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w")).problem(403);
    writer.get("/projects/" + project + "/tasks/" + id).problem(403);
    reader.get("/projects/" + project + "/tasks/" + id).expect(200);
    worker.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w")).expect(200);
    worker.get("/api-keys").problem(403);
  }

  @Test
  void aProjectKeyReachesOnlyItsProject() {
    long mine = newProject();
    long other = newProject();
    String type = newType();
    Api scoped = admin.withKey(newKey(mine, "tasks:write", "tasks:read"));
    scoped.post("/projects/" + mine + "/tasks", new JsonObject().put("type", type)).expect(201);
    scoped.post("/projects/" + other + "/tasks", new JsonObject().put("type", type)).problem(403);
    scoped.get("/projects/" + other + "/tasks").problem(403);
    JsonArray visible = scoped.get("/projects").items();
    assertEquals(1, visible.size());
    assertEquals(mine, visible.getJsonObject(0).getLong("id"));
  }

  @Test
  void secretIsShownOnceAndStoredOnlyAsAHash() {
    JsonObject created = admin.post("/api-keys", new JsonObject().put("name", "ci").put("permissions",
        new JsonArray().add("tasks:read"))).expect(201).json();
    String secret = created.getString("secret");
    assertTrue(secret.startsWith(created.getString("prefix")));
    for (Object o : admin.get("/api-keys").items()) {
      assertFalse(((JsonObject) o).containsKey("secret"), "listing never shows secrets");
    }
    Row row = sql("SELECT * FROM api_keys WHERE id = $1::uuid", created.getString("id")).iterator().next();
    assertEquals(Secrets.hash(secret), row.getString("secret_hash"));
    assertNotEquals(secret, row.getString("secret_hash"));
    assertFalse(row.toJson().encode().contains(secret), "the secret is nowhere in the row");
  }

  @Test
  void revokingAKeyTakesEffectAtOnce() {
    JsonObject created = admin.post("/api-keys", new JsonObject().put("name", "temp").put("permissions",
        new JsonArray().add("tasks:read"))).expect(201).json();
    Api holder = admin.withKey(created.getString("secret"));
    holder.get("/projects").expect(200);
    admin.delete("/api-keys/" + created.getString("id")).expect(204);
    holder.get("/projects").problem(401);
    JsonObject listed = admin.get("/api-keys").items().stream().map(o -> (JsonObject) o)
        .filter(k -> k.getString("id").equals(created.getString("id"))).findFirst().orElseThrow();
    assertTrue(listed.getString("revoked_at") != null);
    admin.delete("/api-keys/" + java.util.UUID.randomUUID()).problem(404);
  }

  @Test
  void keyRequestsAreValidated() {
    JsonObject problem = admin.post("/api-keys", new JsonObject().put("name", "x")
        .put("permissions", new JsonArray().add("tasks:everything"))).problem(422);
    assertTrue(problem.getString("detail").contains("tasks:everything"));
    admin.post("/api-keys", new JsonObject().put("name", "x").put("permissions", new JsonArray().add("tasks:read"))
        .put("project_id", 999_999_999)).problem(404);
    admin.post("/api-keys", new JsonObject().put("name", "x").put("permissions", new JsonArray().add("admin"))
        .put("project_id", newProject())).problem(422);
    admin.post("/api-keys", new JsonObject().put("name", "x")).problem(422);
  }

  @Test
  void adminKeyFromTheEnvironmentIsActive() {
    JsonObject adminKey = admin.get("/api-keys").items().stream().map(o -> (JsonObject) o)
        .filter(k -> k.getJsonArray("permissions").contains("admin") && k.getValue("project_id") == null)
        .findFirst().orElseThrow();
    assertNull(adminKey.getValue("revoked_at"));
  }
}
