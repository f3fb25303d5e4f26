package io.taskq.queue;

import io.taskq.auth.Secrets;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dedupe key of {@code "dedupe": true}: SHA-256 (hex) of the canonical JSON of
 * {@code {"params": ..., "type": ...}}: keys sorted at every depth, no white space, numbers
 * in their shortest exact form, so that equal content gives an equal key however it was written.
 */
public final class DedupeKeys {

  private DedupeKeys() {
  }

  public static String of(String type, JsonObject params) {
    return Secrets.hash(canonical(new JsonObject().put("type", type).put("params", params)));
  }

  static String canonical(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value instanceof JsonObject object) {
      writeObject(object.getMap(), out);
    } else if (value instanceof Map<?, ?> map) {
      writeObject(map, out);
    } else if (value instanceof JsonArray array) {
      writeArray(array.getList(), out);
    } else if (value instanceof List<?> list) {
      writeArray(list, out);
    } else if (value instanceof Number number) {
      out.append(new BigDecimal(number.toString()).stripTrailingZeros().toPlainString());
    } else {
      out.append(Json.encode(value));
    }
  }

  private static void writeArray(List<?> items, StringBuilder out) {
    out.append('[');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      write(items.get(i), out);
    }
    out.append(']');
  }

  private static void writeObject(Map<?, ?> map, StringBuilder out) {
    TreeMap<String, Object> sorted = new TreeMap<>();
    map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> entry : sorted.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append(Json.encode(entry.getKey())).append(':');
      write(entry.getValue(), out);
    }
    out.append('}');
  }
}
