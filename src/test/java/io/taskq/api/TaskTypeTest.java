package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskTypeTest extends ServerTest {

  private static JsonObject schema() {
    return new JsonObject().put("type", "object").put("properties", new JsonObject().put("url",
        new JsonObject().put("type", "string")));
  }

  @Test
  void registeringTheSameDefinitionAgainIsOkAndADifferentSchemaIsAConflict() {
    String name = "resize-" + UUID.randomUUID();
    JsonObject body = new JsonObject().put("name", name).put("version", 1).put("param_schema", schema())
        .put("max_attempts", 5).put("lease_seconds", 60);
    JsonObject created = admin.post("/task-types", body).expect(201).json();
    assertEquals(5, created.getInteger("max_attempts"));
    assertEquals(60, created.getInteger("lease_seconds"));
    JsonObject again = admin.post("/task-types", body).expect(200).json();
    assertEquals(created.getLong("id"), again.getLong("id"));
    admin.post("/task-types", body.copy().put("param_schema", new JsonObject().put("type", "array"))).problem(409);
    admin.post("/task-types", body.copy().put("max_attempts", 6)).problem(409);
    assertTrue(admin.get("/task-types").items().stream().anyMatch(o -> ((JsonObject) o).getString("name").equals(name)));
  }

  @Test
  void nestedSchemasRegisterAgainUnchanged() {
    JsonObject nested = new JsonObject().put("type", "object").put("properties", new JsonObject()
        .put("items", new JsonObject().put("type", "array").put("items", new JsonObject().put("type", "object")
            .put("properties", new JsonObject().put("id", new JsonObject().put("type", "integer"))))));
    JsonObject body = new JsonObject().put("name", "nested-" + UUID.randomUUID()).put("version", 1).put("param_schema", nested);
    JsonObject created = admin.post("/task-types", body).expect(201).json();
    assertEquals(nested, created.getJsonObject("param_schema"), "the schema is stored as sent");
    admin.post("/task-types", body).expect(200);
  }

  @Test
  void draft7SchemasAreAccepted() {
    JsonObject schema = schema().put("$schema", "http://json-schema.org/draft-07/schema#");
    admin.post("/task-types", new JsonObject().put("name", "d7-" + UUID.randomUUID()).put("version", 1)
        .put("param_schema", schema)).expect(201);
  }

  @Test
  void anInvalidSchemaIs422() {
    JsonObject problem = admin.post("/task-types", new JsonObject().put("name", "bad-" + UUID.randomUUID()).put("version", 1)
        .put("param_schema", new JsonObject().put("type", 12).put("minLength", "x"))).problem(422);
    assertTrue(problem.getJsonArray("errors").size() >= 1);
    admin.post("/task-types", new JsonObject().put("name", "bad").put("version", 1)
        .put("param_schema", new JsonObject().put("$schema", "https://example.com/my-draft"))).problem(422);
  }

  @Test
  void fieldsAreValidated() {
    JsonObject problem = admin.post("/task-types", new JsonObject().put("name", "has space").put("version", -1)
        .put("param_schema", "nope").put("lease_seconds", 0).put("color", "red")).problem(422);
    JsonArray errors = problem.getJsonArray("errors");
    for (String pointer : new String[] {"/name", "/version", "/param_schema", "/lease_seconds", "/color"}) {
      assertTrue(errors.encode().contains("\"" + pointer + "\""), pointer + " in " + errors);
    }
  }
}
