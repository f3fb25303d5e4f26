package io.taskq.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.Validator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The schemas that skip the validator are exactly those it would pass every params object
 * through, and the rest still reach it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryObjectSchemaTest {

  private static final List<String> EVERY_OBJECT = List.of(
      "{}",
      "{\"type\": \"object\"}",
      "{\"type\": [\"object\", \"null\"]}",
      "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\", \"title\": \"Resize\","
          + " \"description\": \"any params\", \"$comment\": \"c\", \"examples\": [{\"a\": 1}], \"default\": {}}",
      "{\"type\": \"object\", \"$defs\": {\"unused\": {\"type\": \"string\"}}}");

  private static final List<String> CONSTRAINING = List.of(
      "{\"type\": \"string\"}",
      "{\"type\": [\"string\", \"number\"]}",
      "{\"type\": \"object\", \"required\": [\"url\"]}",
      "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {\"n\": {\"type\": \"integer\"}}}",
      "{\"type\": \"object\", \"maxProperties\": 1}",
      "{\"not\": {}}",
      "{\"$ref\": \"#/$defs/any\", \"$defs\": {\"any\": {\"type\": \"string\"}}}",
      "{\"properties\": {}}");

  /** Params of several shapes, each an object as the API guarantees. */
  private static final List<JsonObject> PARAMS = List.of(new JsonObject(), new JsonObject().put("n", 1),
      new JsonObject().put("url", "https://example.com").put("size", 3),
      new JsonObject("{\"a\": {\"b\": [1, \"x\", null, {\"c\": true}]}}"));

  private Vertx vertx;
  private ParamSchemas schemas;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    schemas = new ParamSchemas(vertx.fileSystem());
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  @Test
  void recognisesSchemasWithNothingButTheObjectTypeAndAnnotations() {
    for (String schema : EVERY_OBJECT) {
      assertTrue(EveryObjectSchema.is(new JsonObject(schema)), schema);
    }
  }

  @Test
  void leavesEverySchemaThatConstrainsToTheValidator() {
    for (String schema : CONSTRAINING) {
      assertFalse(EveryObjectSchema.is(new JsonObject(schema)), schema);
    }
  }

  @Test
  void theLibrarysValidatorPassesEveryObjectThroughTheSchemasThatSkipIt() {
    for (String text : EVERY_OBJECT) {
      JsonObject schema = new JsonObject(text);
      Validator library = Validator.create(JsonSchema.of(schema.copy()),
          new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://taskq.dev/schemas/").setOutputFormat(OutputFormat.Basic));
      ParamValidator compiled = schemas.compile(schema, "/param_schema");
      for (JsonObject params : PARAMS) {
        assertTrue(library.validate(params.copy()).getValid(), text + " against " + params);
        assertEquals(List.of(), compiled.check(params, "/params", null), text + " against " + params);
      }
    }
  }

  @Test
  void aConstrainingSchemaStillRefusesParamsThatBreakIt() {
    ParamValidator required = schemas.compile(new JsonObject("{\"type\": \"object\", \"required\": [\"url\"]}"), "/param_schema");
    assertEquals(1, required.check(new JsonObject().put("n", 1), "/params", null).size());
    assertEquals(List.of(), required.check(new JsonObject().put("url", "u"), "/params", null));
  }
}
