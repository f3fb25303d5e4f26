package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.ServerTest;
import io.taskq.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Param schemas that would fail later (on every create, or by taking the event loop's stack)
 * are refused at registration, naming the offending keyword, in our own words.
 */
class ParamSchemaSafetyTest extends ServerTest {

  /** What the validator library would say about itself; none of it may reach a client. */
  private static final List<String> INTERNALS = List.of("taskq.dev/schemas", "__absolute", "Known schemas", "Exception",
      "io.vertx", "java.", "Unresolved", "StackOverflow");

  /** Hostile schema (as JSON text) and the pointer its 422 must name. */
  private static Map<String, String> hostileSchemas() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{\"$ref\": \"#\"}", "/param_schema/$ref");
    cases.put("{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}", "/param_schema/$defs/a/$ref");
    cases.put("{\"anyOf\": [{\"type\": \"string\"}, {\"$ref\": \"#\"}]}", "/param_schema/anyOf/1/$ref");
    cases.put("{\"if\": {\"$ref\": \"#/$defs/b\"}, \"$defs\": {\"b\": {\"not\": {\"$ref\": \"#\"}}}}",
        "/param_schema/$defs/b/not/$ref");
    cases.put("{\"$ref\": \"http://example.com/schema.json\"}", "/param_schema/$ref");
    cases.put("{\"$ref\": \"file:///etc/passwd\"}", "/param_schema/$ref");
    cases.put("{\"$ref\": \"urn:example:thing\"}", "/param_schema/$ref");
    cases.put("{\"properties\": {\"a\": {\"$ref\": \"other.json#/x\"}}}", "/param_schema/properties/a/$ref");
    cases.put("{\"$ref\": \"#/$defs/missing\"}", "/param_schema/$ref");
    cases.put("{\"$ref\": \"#nowhere\"}", "/param_schema/$ref");
    cases.put("{\"$defs\": {\"unused\": {\"$ref\": \"https://example.com/remote\"}}}", "/param_schema/$defs/unused/$ref");
    cases.put("{\"properties\": {\"a\": {\"$id\": \"https://example.com/elsewhere\", \"$ref\": \"#\"}}}",
        "/param_schema/properties/a/$id");
    // 2020-12 dynamic references and 2019-09 recursive references that never descend.
    cases.put("{\"$dynamicAnchor\": \"node\", \"anyOf\": [{\"$dynamicRef\": \"#node\"}]}", "/param_schema/anyOf/0/$dynamicRef");
    cases.put("{\"$dynamicRef\": \"https://example.com/x#node\"}", "/param_schema/$dynamicRef");
    cases.put("{\"$schema\": \"https://json-schema.org/draft/2019-09/schema\", \"$recursiveAnchor\": true,"
        + " \"allOf\": [{\"$recursiveRef\": \"#\"}]}", "/param_schema/allOf/0/$recursiveRef");
    cases.put("{\"$schema\": \"https://json-schema.org/draft/2019-09/schema\", \"$ref\": \"#/$defs/a\","
        + " \"$defs\": {\"a\": {\"$ref\": \"#/$defs/a\"}}}", "/param_schema/$defs/a/$ref");
    cases.put("{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"$ref\": \"#/definitions/a\","
        + " \"definitions\": {\"a\": {\"$ref\": \"#/definitions/b\"}, \"b\": {\"$ref\": \"#/definitions/a\"}}}",
        "/param_schema/definitions/b/$ref");
    cases.put("{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"$ref\": \"http://json-schema.org/draft-07/schema#\"}",
        "/param_schema/$ref");
    cases.put("{\"$schema\": \"http://json-schema.org/draft-04/schema#\","
        + " \"properties\": {\"x\": {\"$ref\": \"file:///etc/passwd\"}}}", "/param_schema/properties/x/$ref");
    cases.put("{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"$ref\": \"#\"}", "/param_schema/$ref");
    cases.put("{\"type\": \"string\", \"pattern\": \"(unclosed\"}", "/param_schema/pattern");
    cases.put("{\"patternProperties\": {\"[a-\": true}}", "/param_schema/patternProperties/[a-");
    // Shared references doubling at each step: 2^24 evaluations for one value.
    cases.put(doubling(24), "/param_schema");
    // Recursion that descends but doubles at each level: 2^depth evaluations for params depth levels deep.
    cases.put("{\"type\": \"array\", \"allOf\": [{\"items\": {\"$ref\": \"#\"}}, {\"items\": {\"$ref\": \"#\"}}]}",
        "/param_schema");
    cases.put(nested("not", 70), "/param_schema");
    return cases;
  }

  @Test
  void hostileSchemasAreRefusedAtRegistrationNamingTheKeyword() {
    hostileSchemas().forEach((schema, pointer) -> {
      String name = "hostile-" + UUID.randomUUID();
      JsonObject problem = admin.post("/task-types", new JsonObject().put("name", name).put("version", 1)
          .put("param_schema", new JsonObject(schema))).problem(422);
      JsonArray errors = problem.getJsonArray("errors");
      assertTrue(errors.stream().map(JsonObject.class::cast).anyMatch(e -> pointer.equals(e.getString("pointer"))),
          () -> schema + " names " + pointer + ": " + problem.encode());
      for (String internal : INTERNALS) {
        assertFalse(problem.encode().contains(internal), () -> schema + " answered internals (" + internal + "): " + problem.encode());
      }
      assertFalse(admin.get("/task-types").expect(200).body().toString().contains(name), schema + " was not registered");
    });
  }

  @Test
  void aTreeSchemaThatRecursesThroughItsItemsChecksShallowAndDeepParams() {
    JsonObject tree = new JsonObject("{\"type\": \"object\", \"required\": [\"name\"], \"properties\": {"
        + "\"name\": {\"type\": \"string\"},"
        + "\"children\": {\"type\": \"array\", \"items\": {\"$ref\": \"#\"}}}}");
    String type = newType(tree);
    long project = newProject();
    createTask(project, new JsonObject().put("type", type).put("params", new JsonObject().put("name", "leaf")));
    createTask(project, new JsonObject().put("type", type).put("params", tree(20, "deep")));

    JsonObject deepFault = tree(20, "deep");
    JsonObject leaf = deepFault;
    StringBuilder pointer = new StringBuilder("/params");
    while (leaf.containsKey("children")) {
      leaf = leaf.getJsonArray("children").getJsonObject(0);
      pointer.append("/children/0");
    }
    leaf.remove("name");
    JsonObject problem = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("params", deepFault)).problem(422);
    JsonObject error = problem.getJsonArray("errors").getJsonObject(0);
    assertEquals(pointer.toString(), error.getString("pointer"), problem.encode());
    assertEquals("does not match the schema: required property name is missing", error.getString("message"));
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("params", new JsonObject().put("name", 7))).problem(422);
  }

  @Test
  void aDynamicRefTreeAndARecursiveRefTreeAreAccepted() {
    String dynamic = newType(new JsonObject("{\"$dynamicAnchor\": \"node\", \"type\": \"object\", \"properties\": {"
        + "\"children\": {\"type\": \"array\", \"items\": {\"$dynamicRef\": \"#node\"}}}}"));
    String recursive = newType(new JsonObject("{\"$schema\": \"https://json-schema.org/draft/2019-09/schema\","
        + " \"$recursiveAnchor\": true, \"type\": \"object\", \"properties\": {"
        + "\"children\": {\"type\": \"array\", \"items\": {\"$recursiveRef\": \"#\"}}}}"));
    long project = newProject();
    for (String type : List.of(dynamic, recursive)) {
      createTask(project, new JsonObject().put("type", type).put("params", tree(10, "n")));
      JsonObject bad = tree(3, "n");
      bad.getJsonArray("children").getJsonObject(0).put("children", "not a list");
      admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("params", bad)).problem(422);
    }
  }

  @Test
  void aBrokenSchemaStoredByAnOlderTaskqFailsCreatesWith422AndTheServerKeepsServing() {
    String cyclic = "stored-cyclic-" + UUID.randomUUID();
    String remote = "stored-remote-" + UUID.randomUUID();
    TestDatabase.execute(server.database(), "INSERT INTO task_types (name, version, param_schema) VALUES ('" + cyclic
        + "', 1, '{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}')");
    TestDatabase.execute(server.database(), "INSERT INTO task_types (name, version, param_schema) VALUES ('" + remote
        + "', 1, '{\"$ref\": \"http://example.com/schema.json\"}')");
    long project = newProject();
    for (String type : List.of(cyclic, remote, cyclic)) {
      JsonObject problem = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
          .put("params", new JsonObject().put("a", 1))).problem(422);
      assertEquals("/params", problem.getJsonArray("errors").getJsonObject(0).getString("pointer"), problem.encode());
      for (String internal : INTERNALS) {
        assertFalse(problem.encode().contains(internal), problem.encode());
      }
    }
    JsonObject bulk = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", new JsonArray()
        .add(new JsonObject().put("type", cyclic)))).problem(422);
    assertTrue(bulk.encode().contains("/tasks/0/params"), bulk.encode());
    assertEquals(0L, sql("SELECT count(*) FROM tasks WHERE project_id = $1", project).iterator().next().getLong(0));
    createTask(project, newType());
  }

  @Test
  void schemaViolationsAreDescribedInOurOwnWords() {
    String type = newType(new JsonObject("{\"type\": \"object\", \"required\": [\"url\"], \"additionalProperties\": false,"
        + " \"properties\": {\"url\": {\"type\": \"string\"}, \"size\": {\"type\": \"integer\", \"minimum\": 1}}}"));
    long project = newProject();
    JsonObject problem = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("params", new JsonObject().put("size", "big").put("colour", 1))).problem(422);
    String errors = problem.getJsonArray("errors").encode();
    assertTrue(errors.contains("{\"pointer\":\"/params\",\"message\":\"does not match the schema: required property url is missing\"}"),
        errors);
    assertTrue(errors.contains("{\"pointer\":\"/params/size\",\"message\":\"does not match the schema: expected integer, got string\"}"),
        errors);
    assertTrue(errors.contains("{\"pointer\":\"/params/colour\",\"message\":\"does not match the schema: is a property that is not allowed\"}"),
        errors);
    JsonObject meta = admin.post("/task-types", new JsonObject().put("name", "meta-" + UUID.randomUUID()).put("version", 1)
        .put("param_schema", new JsonObject().put("type", 12).put("minLength", "x"))).problem(422);
    for (String internal : INTERNALS) {
      assertFalse(meta.encode().contains(internal), meta.encode());
    }
    assertTrue(meta.getJsonArray("errors").encode().contains("/param_schema/minLength"), meta.encode());
  }

  private static JsonObject tree(int depth, String name) {
    JsonObject node = new JsonObject().put("name", name);
    for (int i = 0; i < depth; i++) {
      node = new JsonObject().put("name", name).put("children", new JsonArray().add(node));
    }
    return node;
  }

  private static String doubling(int steps) {
    JsonObject defs = new JsonObject();
    for (int i = 0; i < steps; i++) {
      String next = "#/$defs/d" + (i + 1);
      defs.put("d" + i, new JsonObject().put("allOf", new JsonArray().add(new JsonObject().put("$ref", next))
          .add(new JsonObject().put("$ref", next))));
    }
    defs.put("d" + steps, new JsonObject().put("type", "object"));
    return new JsonObject().put("$defs", defs).put("$ref", "#/$defs/d0").encode();
  }

  private static String nested(String keyword, int levels) {
    JsonObject schema = new JsonObject().put("type", "string");
    for (int i = 0; i < levels; i++) {
      schema = new JsonObject().put(keyword, schema);
    }
    return schema.encode();
  }
}
