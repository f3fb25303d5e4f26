package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdempotencyKeyTest extends ServerTest {

  private static Map<String, String> key(String value) {
    return Map.of("Idempotency-Key", value);
  }

  @Test
  void aRetriedBulkReplaysTheOriginalCreatedList() {
    long project = newProject();
    String type = newType();
    JsonObject body = new JsonObject().put("tasks", new JsonArray()
        .add(new JsonObject().put("type", type).put("external_id", "a"))
        .add(new JsonObject().put("type", type).put("external_id", "b")));
    String k = UUID.randomUUID().toString();
    Api.Response first = admin.post("/projects/" + project + "/tasks:bulk", body, key(k)).expect(201);
    Api.Response retry = admin.post("/projects/" + project + "/tasks:bulk", body, key(k)).expect(201);
    assertEquals(first.json(), retry.json(), "the very same answer");
    assertEquals(2, retry.json().getJsonArray("created").size());
    assertEquals("true", retry.headers().get("Idempotent-Replayed"));
    assertNull(first.headers().get("Idempotent-Replayed"));
    // Without the key, the same request now finds duplicates.
    assertEquals(2, admin.post("/projects/" + project + "/tasks:bulk", body).expect(201).json()
        .getJsonObject("summary").getInteger("skipped"));
  }

  @Test
  void theSameKeyWithAnotherBodyIs422() {
    long project = newProject();
    String type = newType();
    String k = UUID.randomUUID().toString();
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("title", "one"), key(k)).expect(201);
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("title", "two"), key(k)).problem(422);
  }

  @Test
  void aReplayedCreateKeepsItsStatusAndKeysAreSeparatePerApiKey() {
    long project = newProject();
    String type = newType();
    String k = UUID.randomUUID().toString();
    JsonObject body = new JsonObject().put("type", type);
    long id = admin.post("/projects/" + project + "/tasks", body, key(k)).expect(201).json().getLong("id");
    assertEquals(id, admin.post("/projects/" + project + "/tasks", body, key(k)).expect(201).json().getLong("id"));
    Api writer = admin.withKey(newKey(null, "tasks:write"));
    long other = writer.post("/projects/" + project + "/tasks", body, key(k)).expect(201).json().getLong("id");
    assertNotEquals(id, other, "another API key's idempotency keys are its own");
  }

  @Test
  void problemsAreReplayedToo() {
    long project = newProject();
    String k = UUID.randomUUID().toString();
    JsonObject bad = new JsonObject().put("type", "no-such-type");
    JsonObject first = admin.post("/projects/" + project + "/tasks", bad, key(k)).problem(422);
    assertEquals(first, admin.post("/projects/" + project + "/tasks", bad, key(k)).problem(422));
  }
}
