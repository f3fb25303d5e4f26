package io.taskq.schema;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which schemas are recognised as satisfied by every params object; that the library agrees, and
 * that compiling them still refuses what it refused, is in {@link ParamSchemasTest}.
 */
class EveryObjectSchemaTest {

  static final List<String> EVERY_OBJECT = List.of(
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
}
