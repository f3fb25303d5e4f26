package io.taskq.schema;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Recognises a param schema that every params object satisfies: {@code {}}, or
 * {@code {"type": "object"}} with nothing but annotations beside it. Many task types declare
 * just that; the validator, an interpreter that asks each schema node for every keyword it
 * knows, spent about 2.7 us a task on it, a third of the server's CPU on a bulk of 1,000
 * (benchmarks.md, "Bulk: the server's side"). Params are always a JSON object (the API refuses
 * anything else), so such a schema has nothing to check. Anything else, however harmless it
 * looks, goes to the validator: this list errs on the side of checking.
 */
final class EveryObjectSchema {

  /** Keywords that annotate and never constrain, in every supported draft ($defs only matter when referenced, and nothing here refers). */
  private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "title", "description",
      "default", "examples", "deprecated", "readOnly", "writeOnly", "$defs", "definitions");

  private EveryObjectSchema() {
  }

  static boolean is(JsonObject schema) {
    for (String keyword : schema.fieldNames()) {
      if (keyword.equals("type")) {
        if (!namesObject(schema.getValue("type"))) {
          return false;
        }
      } else if (!ANNOTATIONS.contains(keyword)) {
        return false;
      }
    }
    return true;
  }

  private static boolean namesObject(Object type) {
    if ("object".equals(type)) {
      return true;
    }
    return type instanceof JsonArray types && types.contains("object");
  }
}
