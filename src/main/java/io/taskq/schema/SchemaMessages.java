package io.taskq.schema;

import io.taskq.error.FieldError;
import io.vertx.json.schema.OutputUnit;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our own words for the validator's findings. Its messages quote the schema and its own
 * internals (base URIs, lists of known schemas), so only the keyword that failed and where are
 * taken from it; the two facts a client needs most (which property is missing, which type was
 * expected) are read from its message only through a strict pattern.
 */
final class SchemaMessages {

  private static final Pattern REQUIRED = Pattern.compile("Instance does not have required property \"([^\"]{1,200})\"");
  private static final Pattern TYPE = Pattern.compile("Instance type ([a-z]+) is invalid\\. Expected ([a-z, ]{1,80})");

  /** Keywords that only say "something below failed": dropped where a finding below says what. */
  private static final Set<String> WRAPPERS = Set.of("$ref", "$dynamicRef", "$recursiveRef", "allOf", "properties",
      "patternProperties", "additionalProperties", "unevaluatedProperties", "items", "prefixItems", "additionalItems",
      "unevaluatedItems", "dependentSchemas", "dependencies", "if", "then", "else");

  private static final Map<String, String> BY_KEYWORD = Map.ofEntries(
      Map.entry("required", "a required property is missing"),
      Map.entry("type", "has the wrong type"),
      Map.entry("enum", "is not one of the allowed values"),
      Map.entry("const", "is not the required value"),
      Map.entry("minimum", "is below the minimum"),
      Map.entry("exclusiveMinimum", "is not above the minimum"),
      Map.entry("maximum", "is above the maximum"),
      Map.entry("exclusiveMaximum", "is not below the maximum"),
      Map.entry("multipleOf", "is not a multiple of the required number"),
      Map.entry("minLength", "is shorter than the minimum length"),
      Map.entry("maxLength", "is longer than the maximum length"),
      Map.entry("pattern", "does not match the required pattern"),
      Map.entry("format", "does not match the required format"),
      Map.entry("contentEncoding", "is not in the required encoding"),
      Map.entry("minItems", "has too few items"),
      Map.entry("maxItems", "has too many items"),
      Map.entry("uniqueItems", "has duplicate items"),
      Map.entry("contains", "does not contain a required item"),
      Map.entry("minContains", "does not contain enough of the required items"),
      Map.entry("maxContains", "contains too many of the limited items"),
      Map.entry("minProperties", "has too few properties"),
      Map.entry("maxProperties", "has too many properties"),
      Map.entry("propertyNames", "has a property name that is not allowed"),
      Map.entry("dependentRequired", "lacks a property that another of its properties requires"),
      Map.entry("dependencies", "lacks a property, or a shape, that another of its properties requires"),
      Map.entry("dependentSchemas", "does not have the shape that one of its properties requires"),
      Map.entry("additionalProperties", "is a property that is not allowed"),
      Map.entry("unevaluatedProperties", "is a property that is not allowed"),
      Map.entry("additionalItems", "is an item that is not allowed"),
      Map.entry("unevaluatedItems", "is an item that is not allowed"),
      Map.entry("not", "matches a schema it must not match"),
      Map.entry("anyOf", "matches none of the allowed alternatives"),
      Map.entry("oneOf", "does not match exactly one of the alternatives"),
      Map.entry("allOf", "does not match all of the required schemas"),
      Map.entry("if", "does not match the schema its condition requires"),
      Map.entry("then", "does not match the schema its condition requires"),
      Map.entry("else", "does not match the schema its condition requires"));

  private SchemaMessages() {
  }

  /**
   * One field error per fault, at {@code pointer} plus the place inside the checked value, each
   * message starting with {@code lead} (such as "does not match the schema").
   */
  static List<FieldError> of(OutputUnit result, String pointer, Integer index, String lead) {
    List<OutputUnit> units = result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
    List<Finding> findings = new ArrayList<>();
    for (OutputUnit unit : units) {
      findings.add(new Finding(location(unit), keyword(unit), unit.getError()));
    }
    Set<FieldError> errors = new LinkedHashSet<>();
    for (Finding finding : findings) {
      if (WRAPPERS.contains(finding.keyword) && explainedBelow(finding, findings)) {
        continue;
      }
      errors.add(new FieldError(pointer + finding.location, index, lead + ": " + describe(finding)));
    }
    if (errors.isEmpty()) {
      errors.add(new FieldError(pointer, index, lead));
    }
    return List.copyOf(errors);
  }

  private record Finding(String location, String keyword, String error) {
  }

  private static boolean explainedBelow(Finding wrapper, List<Finding> findings) {
    for (Finding other : findings) {
      if (!WRAPPERS.contains(other.keyword)
          && (other.location.equals(wrapper.location) || other.location.startsWith(wrapper.location + "/"))) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Finding finding) {
    String error = finding.error == null ? "" : finding.error;
    if (finding.keyword.equals("required")) {
      Matcher m = REQUIRED.matcher(error);
      if (m.matches()) {
        return "required property " + m.group(1) + " is missing";
      }
    }
    if (finding.keyword.equals("type")) {
      Matcher m = TYPE.matcher(error);
      if (m.matches()) {
        return "expected " + m.group(2) + ", got " + m.group(1);
      }
    }
    String known = BY_KEYWORD.get(finding.keyword);
    return known != null ? known : "does not match";
  }

  /** The instance location, a URI fragment ("#/a%20b/0"), as a JSON Pointer ("/a b/0"). */
  private static String location(OutputUnit unit) {
    String location = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
    location = location.startsWith("#") ? location.substring(1) : location;
    try {
      return URLDecoder.decode(location.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return location;
    }
  }

  /** The keyword that failed: the last step of the keyword location. */
  private static String keyword(OutputUnit unit) {
    String location = unit.getKeywordLocation() == null ? "" : unit.getKeywordLocation();
    int slash = location.lastIndexOf('/');
    return slash < 0 ? "" : location.substring(slash + 1);
  }
}
