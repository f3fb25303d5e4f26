package io.taskq.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParamSchemasTest {

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
  void anythingTheValidatorThrowsBecomesAFieldErrorInOurWords() {
    ParamValidator overflowing = ParamValidator.of(params -> {
      throw new StackOverflowError();
    }, SchemaCost.ANY_DEPTH, "test type");
    List<LogRecord> logged = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger logger = Logger.getLogger(ParamValidator.class.getName());
    logger.addHandler(capture);
    try {
      for (int i = 0; i < 3; i++) {
        List<FieldError> errors = overflowing.check(new JsonObject().put("a", 1), "/tasks/3/params", 3);
        assertEquals(List.of(new FieldError("/tasks/3/params", 3, "cannot be checked against the task type's param_schema")), errors);
      }
    } finally {
      logger.removeHandler(capture);
    }
    assertEquals(1, logged.size(), "logged once for the schema");
    assertTrue(logged.get(0).getThrown() instanceof StackOverflowError);
  }

  @Test
  void aRecursiveSchemaChecksParamsUpToItsDepthLimitAndRefusesDeeperOnes() {
    ParamValidator tree = schemas.compile(new JsonObject("{\"type\": \"object\", \"properties\": {"
        + "\"children\": {\"type\": \"array\", \"items\": {\"$ref\": \"#\"}}}}"), "/param_schema");
    assertEquals(List.of(), tree.check(tree(SchemaCost.MAX_PARAMS_DEPTH / 2), "/params", null));
    List<FieldError> tooDeep = tree.check(tree(SchemaCost.MAX_PARAMS_DEPTH / 2 + 1), "/params", null);
    assertEquals(1, tooDeep.size());
    assertTrue(tooDeep.get(0).message().startsWith("nests deeper than " + SchemaCost.MAX_PARAMS_DEPTH + " levels"), tooDeep.toString());
    // Thousands of levels, far beyond what the validator's stack holds: refused, not overflowed.
    assertEquals(1, tree.check(tree(5_000), "/params", null).size());
  }

  @Test
  void theLibrarysValidatorPassesEveryObjectThroughTheSchemasThatSkipIt() {
    List<JsonObject> params = List.of(new JsonObject(), new JsonObject().put("n", 1),
        new JsonObject().put("url", "https://example.com").put("size", 3),
        new JsonObject("{\"a\": {\"b\": [1, \"x\", null, {\"c\": true}]}}"));
    for (String text : EveryObjectSchemaTest.EVERY_OBJECT) {
      JsonObject schema = new JsonObject(text);
      Validator library = Validator.create(JsonSchema.of(schema.copy()),
          new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://taskq.dev/schemas/").setOutputFormat(OutputFormat.Basic));
      ParamValidator compiled = schemas.compile(schema, "/param_schema");
      for (JsonObject p : params) {
        assertTrue(library.validate(p.copy()).getValid(), text + " against " + p);
        assertEquals(List.of(), compiled.check(p, "/params", null), text + " against " + p);
      }
    }
  }

  @Test
  void aSchemaThatSkipsTheValidatorIsStillRefusedForAReferenceToNowhere() {
    Invalid refused = assertThrows(Invalid.class, () -> schemas.compile(new JsonObject(
        "{\"type\": \"object\", \"$defs\": {\"away\": {\"$ref\": \"#/$defs/missing\"}}}"), "/param_schema"));
    assertEquals("/param_schema/$defs/away/$ref", refused.errors().get(0).pointer(), refused.errors().toString());
  }

  @Test
  void aConstrainingSchemaStillRefusesParamsThatBreakIt() {
    ParamValidator required = schemas.compile(new JsonObject("{\"type\": \"object\", \"required\": [\"url\"]}"), "/param_schema");
    assertEquals(1, required.check(new JsonObject().put("n", 1), "/params", null).size());
    assertEquals(List.of(), required.check(new JsonObject().put("url", "u"), "/params", null));
  }

  @Test
  void aSchemaWithoutRecursionChecksParamsOfAnyDepth() {
    ParamValidator flat = schemas.compile(new JsonObject("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"object\"}}}"),
        "/param_schema");
    assertEquals(List.of(), flat.check(tree(1_000), "/params", null));
  }

  /** Schemas with references that stay inside them: each compiles, accepts the first value and refuses the second. */
  @Test
  void schemasWhoseReferencesStayInsideThemAreAccepted() {
    String[][] cases = {
        {"{\"$defs\": {\"pos\": {\"type\": \"integer\", \"minimum\": 0}}, \"properties\": {\"x\": {\"$ref\": \"#/$defs/pos\"}}}",
            "{\"x\": 1}", "{\"x\": -1}"},
        {"{\"$defs\": {\"a b\": {\"type\": \"string\"}, \"c/d~\": {\"type\": \"string\"}},"
            + " \"properties\": {\"x\": {\"$ref\": \"#/$defs/a%20b\"}, \"y\": {\"$ref\": \"#/$defs/c~1d~0\"}}}",
            "{\"x\": \"s\", \"y\": \"t\"}", "{\"y\": 2}"},
        {"{\"$defs\": {\"a\": {\"$anchor\": \"word\", \"type\": \"string\"}}, \"properties\": {\"x\": {\"$ref\": \"#word\"}}}",
            "{\"x\": \"s\"}", "{\"x\": 1}"},
        {"{\"$id\": \"https://example.com/params.json\", \"$defs\": {\"pos\": {\"minimum\": 0}},"
            + " \"properties\": {\"x\": {\"$ref\": \"#/$defs/pos\"}}}", "{\"x\": 1}", "{\"x\": -1}"},
        {"{\"properties\": {\"a\": {\"type\": \"string\"}, \"b\": {\"$ref\": \"#/properties/a\"}}}",
            "{\"b\": \"s\"}", "{\"b\": 1}"},
        {"{\"$defs\": {\"no\": false}, \"properties\": {\"x\": {\"$ref\": \"#/$defs/no\"}}}", "{}", "{\"x\": 1}"},
        {"{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"definitions\": {\"s\": {\"type\": \"string\"}},"
            + " \"properties\": {\"t\": {\"type\": \"array\", \"items\": [{\"$ref\": \"#/definitions/s\"}],"
            + " \"additionalItems\": false}}}", "{\"t\": [\"a\"]}", "{\"t\": [\"a\", \"b\"]}"},
        {"{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"id\": \"http://example.com/p#\","
            + " \"definitions\": {\"n\": {\"type\": \"number\"}}, \"properties\": {\"n\": {\"$ref\": \"#/definitions/n\"}}}",
            "{\"n\": 1}", "{\"n\": \"1\"}"},
        {"{\"$schema\": \"https://json-schema.org/draft/2019-09/schema\", \"$defs\": {\"s\": {\"type\": \"string\"}},"
            + " \"properties\": {\"v\": {\"allOf\": [{\"$ref\": \"#/$defs/s\"}, {\"$ref\": \"#/$defs/s\"}]}}}",
            "{\"v\": \"s\"}", "{\"v\": 1}"},
    };
    for (String[] c : cases) {
      ParamValidator validator = schemas.compile(new JsonObject(c[0]), "/param_schema");
      assertEquals(List.of(), validator.check(new JsonObject(c[1]), "/params", null), c[0]);
      assertTrue(!validator.check(new JsonObject(c[2]), "/params", null).isEmpty(), c[0] + " refuses " + c[2]);
    }
  }

  @Test
  void theUnusableSchemaOfAnOldTypeAnswersAFaultForEveryCheck() {
    List<FieldError> errors = ParamValidator.unusable("old type").check(new JsonObject(), "/params", null);
    assertEquals("/params", errors.get(0).pointer());
  }

  private static JsonObject tree(int levels) {
    JsonObject node = new JsonObject();
    for (int i = 0; i < levels; i++) {
      node = new JsonObject().put("children", new JsonArray().add(node));
    }
    return node;
  }
}
