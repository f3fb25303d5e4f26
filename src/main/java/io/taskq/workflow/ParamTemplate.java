package io.taskq.workflow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workflow step's params are a template: a string value that is exactly {@code "${NAME}"}
 * becomes the run's {@code params.NAME}, whatever JSON value that is (a number stays a number,
 * an object an object). Nothing else is interpreted, neither text around a placeholder
 * ({@code "x ${A}"}) nor keys, so a template can hold any literal string without escaping
 * except that one exact form.
 */
public final class ParamTemplate {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private ParamTemplate() {
  }

  /**
   * A deep copy of {@code template} (a JsonObject, JsonArray or scalar) with every placeholder
   * replaced. The name of a placeholder that {@code runParams} lacks is added to {@code missing}
   * (once, in order of first appearance) and its value becomes null; a name present with a JSON
   * null gives null and is not missing.
   */
  public static Object apply(Object template, JsonObject runParams, List<String> missing) {
    JsonObject params = runParams == null ? new JsonObject() : runParams;
    if (template instanceof JsonObject object) {
      JsonObject copy = new JsonObject();
      for (Map.Entry<String, Object> entry : object) {
        copy.put(entry.getKey(), apply(entry.getValue(), params, missing));
      }
      return copy;
    }
    if (template instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      for (Object item : array) {
        copy.add(apply(item, params, missing));
      }
      return copy;
    }
    if (template instanceof String text) {
      Matcher placeholder = PLACEHOLDER.matcher(text);
      if (!placeholder.matches()) {
        return text;
      }
      String name = placeholder.group(1);
      if (!params.containsKey(name)) {
        if (!missing.contains(name)) {
          missing.add(name);
        }
        return null;
      }
      return copyOf(params.getValue(name));
    }
    return template;
  }

  /** The run's value, copied so that the result never shares a container with the run's params. */
  private static Object copyOf(Object value) {
    if (value instanceof JsonObject object) {
      return object.copy();
    }
    if (value instanceof JsonArray array) {
      return array.copy();
    }
    return value;
  }
}
