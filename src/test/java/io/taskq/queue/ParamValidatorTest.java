package io.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.error.FieldError;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParamValidatorTest {

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
    for (int i = 0; i < 2; i++) {
      List<FieldError> errors = overflowing.check(new JsonObject().put("a", 1), "/tasks/3/params", 3);
      assertEquals(List.of(new FieldError("/tasks/3/params", 3, "cannot be checked against the task type's param_schema")), errors);
    }
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
  void aSchemaWithoutRecursionChecksParamsOfAnyDepth() {
    ParamValidator flat = schemas.compile(new JsonObject("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"object\"}}}"),
        "/param_schema");
    assertEquals(List.of(), flat.check(tree(1_000), "/params", null));
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
