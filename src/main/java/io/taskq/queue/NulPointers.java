package io.taskq.queue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Where, in a value to be stored, a U+0000 hides: PostgreSQL refuses NUL in text and jsonb, and
 * says so without saying where. Used only after a refusal, to point the client at the string.
 */
final class NulPointers {

  private NulPointers() {
  }

  /** The JSON Pointer (under {@code base}) of the first string or key holding U+0000, or null. */
  static String first(Object value, String base) {
    if (value instanceof String s) {
      return s.indexOf('\u0000') >= 0 ? base : null;
    }
    if (value instanceof JsonObject object) {
      return first(object.getMap(), base);
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        String at = base + "/" + key.replace("~", "~0").replace("/", "~1");
        if (key.indexOf('\u0000') >= 0) {
          return at;
        }
        String inner = first(e.getValue(), at);
        if (inner != null) {
          return inner;
        }
      }
      return null;
    }
    if (value instanceof JsonArray array) {
      return first(array.getList(), base);
    }
    if (value instanceof Iterable<?> list) {
      int i = 0;
      for (Object item : list) {
        String inner = first(item, base + "/" + i++);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  /** The pointer, relative to the task, of the first of its fields holding U+0000, or null. */
  static String first(NewTask t) {
    String[][] texts = {{"/type", t.type()}, {"/title", t.title()}, {"/description", t.description()},
        {"/external_id", t.externalId()}, {"/milestone_id", t.milestoneId()}, {"/dedupe_key", t.dedupeKey()}};
    for (String[] text : texts) {
      if (first(text[1], text[0]) != null) {
        return text[0];
      }
    }
    return first(t.params(), "/params");
  }
}
