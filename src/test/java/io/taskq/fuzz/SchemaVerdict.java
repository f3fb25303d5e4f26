package io.taskq.fuzz;

import static io.taskq.fuzz.OpenApiDocument.list;
import static io.taskq.fuzz.OpenApiDocument.map;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the document says of a value: the first fault its schema finds, or null when the value is
 * valid. A small validator of the JSON Schema keywords the document uses (types and type lists,
 * OpenAPI 3.0 {@code nullable}, enum, const, ranges, lengths, patterns, the formats date-time,
 * date, uuid, int32 and int64, items, properties, required, additional and unevaluated
 * properties, allOf, anyOf, oneOf, not). It judges the fuzz's own values, so it needs no parser.
 */
final class SchemaVerdict {

  private static final Pattern DATE_TIME = Pattern.compile(
      "^(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?([Zz]|([+-])(\\d{2}):(\\d{2}))$");
  private static final Pattern DATE = Pattern.compile("^(\\d{4})-(\\d{2})-(\\d{2})$");
  private static final Pattern UUID = Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final BigDecimal INT32_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT32_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal INT64_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal INT64_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private final OpenApiDocument document;
  private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

  SchemaVerdict(OpenApiDocument document) {
    this.document = document;
  }

  boolean valid(Map<String, Object> schema, Object value) {
    return fault(schema, value, "") == null;
  }

  /** The first fault of {@code value} against {@code schema}, or null. */
  String fault(Map<String, Object> rawSchema, Object given, String pointer) {
    Map<String, Object> schema = document.resolve(rawSchema);
    if (schema == null || schema.isEmpty()) {
      return null;
    }
    Object value = given;
    if (given instanceof JsonText.Members members) {
      Map<String, Object> lastWins = new LinkedHashMap<>();
      members.entries().forEach(e -> lastWins.put(e.getKey(), e.getValue()));
      value = lastWins;
    }
    return faultOfResolved(schema, value, pointer);
  }

  private String faultOfResolved(Map<String, Object> schema, Object value, String pointer) {
    String kind = kind(value);
    if (kind == null) {
      return pointer + ": a value the document cannot judge";
    }
    Set<String> types = types(schema);
    if (!types.isEmpty() && !types.contains(kind) && !(kind.equals("integer") && types.contains("number"))) {
      return pointer + ": " + kind + " is not " + types;
    }
    if (schema.containsKey("enum") && list(schema.get("enum")).stream().noneMatch(e -> same(e, value))) {
      return pointer + ": not one of " + schema.get("enum");
    }
    if (schema.containsKey("const") && !same(schema.get("const"), value)) {
      return pointer + ": not " + schema.get("const");
    }
    String fault = switch (kind) {
      case "integer", "number" -> number(schema, number(value), pointer);
      case "string" -> string(schema, (String) stringOf(value), pointer);
      case "array" -> array(schema, list(value), pointer);
      case "object" -> object(schema, map(value), pointer);
      default -> null;
    };
    if (fault != null) {
      return fault;
    }
    for (Object sub : list(schema.get("allOf"))) {
      String f = fault(map(sub), value, pointer);
      if (f != null) {
        return f;
      }
    }
    if (schema.containsKey("anyOf") && list(schema.get("anyOf")).stream().noneMatch(s -> fault(map(s), value, pointer) == null)) {
      return pointer + ": matches none of anyOf";
    }
    if (schema.containsKey("oneOf") && list(schema.get("oneOf")).stream().filter(s -> fault(map(s), value, pointer) == null).count() != 1) {
      return pointer + ": does not match exactly one of oneOf";
    }
    if (schema.get("not") != null && fault(map(schema.get("not")), value, pointer) == null) {
      return pointer + ": matches a 'not'";
    }
    return null;
  }

  /** The JSON types a schema allows, with OpenAPI 3.0's nullable; empty when it does not say. */
  static Set<String> types(Map<String, Object> schema) {
    Set<String> types = new HashSet<>();
    Object type = schema.get("type");
    if (type instanceof String s) {
      types.add(s);
    } else {
      list(type).forEach(t -> types.add(String.valueOf(t)));
    }
    if (!types.isEmpty() && Boolean.TRUE.equals(schema.get("nullable"))) {
      types.add("null");
    }
    return types;
  }

  private String number(Map<String, Object> schema, BigDecimal n, String pointer) {
    if (schema.get("minimum") instanceof Number min && n.compareTo(decimal(min)) < 0) {
      return pointer + ": below " + min;
    }
    if (schema.get("maximum") instanceof Number max && n.compareTo(decimal(max)) > 0) {
      return pointer + ": above " + max;
    }
    if (schema.get("exclusiveMinimum") instanceof Number min && n.compareTo(decimal(min)) <= 0) {
      return pointer + ": not above " + min;
    }
    if (schema.get("exclusiveMaximum") instanceof Number max && n.compareTo(decimal(max)) >= 0) {
      return pointer + ": not below " + max;
    }
    if (Boolean.TRUE.equals(schema.get("exclusiveMinimum")) && schema.get("minimum") instanceof Number min
        && n.compareTo(decimal(min)) == 0) {
      return pointer + ": not above " + min;
    }
    if (Boolean.TRUE.equals(schema.get("exclusiveMaximum")) && schema.get("maximum") instanceof Number max
        && n.compareTo(decimal(max)) == 0) {
      return pointer + ": not below " + max;
    }
    Object format = schema.get("format");
    if ("int32".equals(format) && (n.compareTo(INT32_MIN) < 0 || n.compareTo(INT32_MAX) > 0)) {
      return pointer + ": beyond int32";
    }
    if ("int64".equals(format) && (n.compareTo(INT64_MIN) < 0 || n.compareTo(INT64_MAX) > 0)) {
      return pointer + ": beyond int64";
    }
    if (("int32".equals(format) || "int64".equals(format)) && !isInteger(n)) {
      return pointer + ": not a whole number";
    }
    return null;
  }

  private String string(Map<String, Object> schema, String s, String pointer) {
    int length = s.codePointCount(0, s.length());
    if (schema.get("minLength") instanceof Number min && length < min.intValue()) {
      return pointer + ": shorter than " + min;
    }
    if (schema.get("maxLength") instanceof Number max && length > max.intValue()) {
      return pointer + ": longer than " + max;
    }
    if (schema.get("pattern") instanceof String p && !patterns.computeIfAbsent(p, Pattern::compile).matcher(s).find()) {
      return pointer + ": does not match " + p;
    }
    Object format = schema.get("format");
    if ("date-time".equals(format) && !dateTime(s)) {
      return pointer + ": not an RFC 3339 date-time";
    }
    if ("date".equals(format) && !date(s)) {
      return pointer + ": not an RFC 3339 date";
    }
    if ("uuid".equals(format) && !UUID.matcher(s).matches()) {
      return pointer + ": not a UUID";
    }
    return null;
  }

  private String array(Map<String, Object> schema, List<Object> items, String pointer) {
    if (schema.get("minItems") instanceof Number min && items.size() < min.intValue()) {
      return pointer + ": fewer than " + min + " items";
    }
    if (schema.get("maxItems") instanceof Number max && items.size() > max.intValue()) {
      return pointer + ": more than " + max + " items";
    }
    if (Boolean.TRUE.equals(schema.get("uniqueItems"))) {
      Set<String> seen = new HashSet<>();
      for (Object item : items) {
        if (!seen.add(JsonText.text(item))) {
          return pointer + ": repeated items";
        }
      }
    }
    if (schema.get("items") instanceof Map<?, ?>) {
      for (int i = 0; i < items.size(); i++) {
        String f = fault(map(schema.get("items")), items.get(i), pointer + "/" + i);
        if (f != null) {
          return f;
        }
      }
    }
    return null;
  }

  private String object(Map<String, Object> schema, Map<String, Object> object, String pointer) {
    if (schema.get("minProperties") instanceof Number min && object.size() < min.intValue()) {
      return pointer + ": fewer than " + min + " members";
    }
    if (schema.get("maxProperties") instanceof Number max && object.size() > max.intValue()) {
      return pointer + ": more than " + max + " members";
    }
    for (Object name : list(schema.get("required"))) {
      if (!object.containsKey((String) name)) {
        return pointer + ": " + name + " is missing";
      }
    }
    Map<String, Object> properties = map(schema.get("properties"));
    for (Map.Entry<String, Object> member : object.entrySet()) {
      String at = pointer + "/" + member.getKey().replace("~", "~0").replace("/", "~1");
      if (properties.containsKey(member.getKey())) {
        String f = fault(map(properties.get(member.getKey())), member.getValue(), at);
        if (f != null) {
          return f;
        }
      } else if (Boolean.FALSE.equals(schema.get("additionalProperties"))) {
        return at + ": not a known member";
      } else if (schema.get("additionalProperties") instanceof Map<?, ?> extra) {
        String f = fault(map(extra), member.getValue(), at);
        if (f != null) {
          return f;
        }
      }
    }
    if (Boolean.FALSE.equals(schema.get("unevaluatedProperties"))) {
      Set<String> known = new HashSet<>();
      evaluated(schema, object, known, 0);
      for (String name : object.keySet()) {
        if (!known.contains(name)) {
          return pointer + "/" + name + ": not a known member";
        }
      }
    }
    return null;
  }

  /** The member names a schema and its in-place subschemas evaluate (for unevaluatedProperties). */
  private void evaluated(Map<String, Object> rawSchema, Map<String, Object> object, Set<String> known, int depth) {
    Map<String, Object> schema = document.resolve(rawSchema);
    if (schema == null || depth > 32) {
      return;
    }
    known.addAll(map(schema.get("properties")).keySet());
    if (schema.get("additionalProperties") != null && !Boolean.FALSE.equals(schema.get("additionalProperties"))) {
      known.addAll(object.keySet());
    }
    for (Object sub : list(schema.get("allOf"))) {
      evaluated(map(sub), object, known, depth + 1);
    }
    for (String key : List.of("anyOf", "oneOf")) {
      for (Object sub : list(schema.get(key))) {
        if (fault(map(sub), object, "") == null) {
          evaluated(map(sub), object, known, depth + 1);
        }
      }
    }
  }

  /** The JSON type of a fuzz value: integer (a number without fraction), number, string, ... */
  static String kind(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Boolean) {
      return "boolean";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof Map<?, ?> || value instanceof JsonText.Members) {
      return "object";
    }
    if (value instanceof List<?>) {
      return "array";
    }
    BigDecimal n = number(value);
    if (n != null) {
      return isInteger(n) ? "integer" : "number";
    }
    if (value instanceof JsonText.Raw raw && raw.bytes().length >= 2 && raw.bytes()[0] == '"') {
      return "string";
    }
    return null;
  }

  private static Object stringOf(Object value) {
    if (value instanceof JsonText.Raw raw) {
      String text = raw.toString();
      return text.substring(1, text.length() - 1);
    }
    return value;
  }

  static BigDecimal number(Object value) {
    try {
      if (value instanceof BigDecimal d) {
        return d;
      }
      if (value instanceof Number n) {
        return new BigDecimal(n.toString());
      }
      if (value instanceof JsonText.Raw raw) {
        String text = raw.toString();
        if (text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
          return new BigDecimal(text);
        }
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  private static boolean isInteger(BigDecimal n) {
    return n.signum() == 0 || n.stripTrailingZeros().scale() <= 0;
  }

  private static BigDecimal decimal(Number n) {
    return new BigDecimal(n.toString());
  }

  private static boolean same(Object expected, Object value) {
    if (expected == null || value == null) {
      return expected == value;
    }
    BigDecimal a = number(expected);
    BigDecimal b = number(value);
    if (a != null && b != null) {
      return a.compareTo(b) == 0;
    }
    return expected.equals(value);
  }

  private static boolean dateTime(String s) {
    Matcher m = DATE_TIME.matcher(s);
    if (!m.matches() || !validDate(m.group(1), m.group(2), m.group(3))) {
      return false;
    }
    int hour = Integer.parseInt(m.group(4));
    int minute = Integer.parseInt(m.group(5));
    int second = Integer.parseInt(m.group(6));
    if (hour > 23 || minute > 59 || second > 60) {
      return false;
    }
    return m.group(9) == null || Integer.parseInt(m.group(10)) <= 23 && Integer.parseInt(m.group(11)) <= 59;
  }

  private static boolean date(String s) {
    Matcher m = DATE.matcher(s);
    return m.matches() && validDate(m.group(1), m.group(2), m.group(3));
  }

  private static boolean validDate(String y, String mo, String d) {
    int year = Integer.parseInt(y);
    int month = Integer.parseInt(mo);
    int day = Integer.parseInt(d);
    if (month < 1 || month > 12 || day < 1) {
      return false;
    }
    return day <= java.time.YearMonth.of(Math.max(year, 1), month).lengthOfMonth()
        || year == 0 && month == 2 && day == 29;
  }
}
