package io.taskq.fuzz;

import static io.taskq.fuzz.OpenApiDocument.list;
import static io.taskq.fuzz.OpenApiDocument.map;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Values generated from the document's schemas: valid ones (semantically valid too where a
 * {@link Hints} knows a real value for a member, such as a registered type name), and the
 * boundary and invalid variants of every member (types, ranges, lengths, patterns, formats,
 * enums, required and unknown members, item counts).
 */
final class SchemaInputs {

  /** Real values for members the server checks against its data (a type name, a lease id). */
  interface Hints {
    /** A value for member {@code name} of the item at {@code slot} (0 outside arrays), or null for none. */
    Object value(String name, int slot);

    /** What is unusual about these hints (a type the fuzz itself registered), or null. */
    default String note() {
      return null;
    }
  }

  /** A place in a body (object keys and array indexes) and the schema that governs it there. */
  record Node(List<Object> path, Map<String, Object> schema, boolean freeForm) {
    String pointer() {
      StringBuilder sb = new StringBuilder();
      path.forEach(t -> sb.append('/').append(t));
      return sb.toString();
    }

    String name() {
      for (int i = path.size() - 1; i >= 0; i--) {
        if (path.get(i) instanceof String s) {
          return s;
        }
      }
      return "";
    }
  }

  /** A variant of a value: its label and the value. */
  record Variant(String label, Object value) {
  }

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  private final OpenApiDocument document;
  private final SchemaVerdict verdict;

  SchemaInputs(OpenApiDocument document, SchemaVerdict verdict) {
    this.document = document;
    this.verdict = verdict;
  }

  /**
   * A valid value of the schema, or null when none could be made. {@code full} puts in every
   * optional member (dropping one at a time only where the schema forbids a combination) and
   * one item per array, so that the body has a place for every member the schema knows.
   */
  Object valid(Map<String, Object> schema, Hints hints, boolean full, Random rng) {
    for (int attempt = 0; attempt < 12; attempt++) {
      Object value = generate(schema, "", 0, hints, full, rng, 0);
      if (verdict.valid(schema, value)) {
        return value;
      }
      if (value instanceof Map<?, ?> m) {
        Map<String, Object> fewer = withoutConflicts(schema, map(m));
        if (fewer != null) {
          return fewer;
        }
      }
    }
    return null;
  }

  /**
   * The object without one member, or else without two, that makes it valid; null if none does. Two,
   * because a schema may forbid two pairs at once (a task: {@code dedupe} true with a
   * {@code dedupe_key}, and {@code priority} with {@code priority_score}), and a full object
   * that draws {@code dedupe} true breaks both.
   */
  private Map<String, Object> withoutConflicts(Map<String, Object> schema, Map<String, Object> object) {
    List<String> keys = new ArrayList<>(object.keySet());
    for (String key : keys) {
      Map<String, Object> fewer = new LinkedHashMap<>(object);
      fewer.remove(key);
      if (verdict.valid(schema, fewer)) {
        return fewer;
      }
    }
    for (int i = 0; i < keys.size(); i++) {
      for (int j = i + 1; j < keys.size(); j++) {
        Map<String, Object> fewer = new LinkedHashMap<>(object);
        fewer.remove(keys.get(i));
        fewer.remove(keys.get(j));
        if (verdict.valid(schema, fewer)) {
          return fewer;
        }
      }
    }
    return null;
  }

  /** The schema with allOf members merged in (properties, required, and the first word on the rest). */
  Map<String, Object> effective(Map<String, Object> raw) {
    Map<String, Object> schema = document.resolve(raw);
    if (schema == null) {
      return Map.of();
    }
    if (!schema.containsKey("allOf")) {
      return schema;
    }
    Map<String, Object> merged = new LinkedHashMap<>();
    Map<String, Object> properties = new LinkedHashMap<>();
    Set<Object> required = new java.util.LinkedHashSet<>();
    List<Map<String, Object>> parts = new ArrayList<>();
    list(schema.get("allOf")).forEach(s -> parts.add(effective(map(s))));
    Map<String, Object> own = new LinkedHashMap<>(schema);
    own.remove("allOf");
    parts.add(own);
    for (Map<String, Object> part : parts) {
      properties.putAll(map(part.get("properties")));
      required.addAll(list(part.get("required")));
      part.forEach((k, v) -> {
        if (!k.equals("properties") && !k.equals("required")) {
          merged.put(k, v);
        }
      });
    }
    if (!properties.isEmpty()) {
      merged.put("properties", properties);
    }
    if (!required.isEmpty()) {
      merged.put("required", new ArrayList<>(required));
    }
    return merged;
  }

  private Object generate(Map<String, Object> raw, String name, int slot, Hints hints, boolean full, Random rng, int depth) {
    Map<String, Object> schema = effective(raw);
    Object hinted = hints == null ? null : hints.value(name, slot);
    if (hinted != null && verdict.valid(schema, hinted)) {
      return hinted;
    }
    if (schema.containsKey("const")) {
      return schema.get("const");
    }
    if (schema.containsKey("enum")) {
      List<Object> options = list(schema.get("enum")).stream().filter(o -> o != null).toList();
      return options.isEmpty() ? null : options.get(rng.nextInt(options.size()));
    }
    for (String key : List.of("oneOf", "anyOf")) {
      if (schema.containsKey(key)) {
        List<Object> branches = new ArrayList<>(list(schema.get(key)));
        branches.removeIf(b -> SchemaVerdict.types(effective(map(b))).equals(Set.of("null")));
        if (!branches.isEmpty()) {
          Map<String, Object> merged = new LinkedHashMap<>(schema);
          merged.remove(key);
          merged.put("allOf", List.of(branches.get(rng.nextInt(branches.size()))));
          return generate(merged, name, slot, hints, full, rng, depth);
        }
      }
    }
    Set<String> types = new HashSet<>(SchemaVerdict.types(schema));
    types.remove("null");
    String type;
    if (!types.isEmpty()) {
      List<String> sorted = types.stream().sorted().toList();
      type = sorted.get(rng.nextInt(sorted.size()));
    } else if (schema.containsKey("properties")) {
      type = "object";
    } else if (schema.containsKey("items")) {
      type = "array";
    } else if (SchemaVerdict.types(schema).contains("null")) {
      return null;
    } else {
      type = List.of("string", "integer", "object", "boolean").get(rng.nextInt(4));
    }
    return switch (type) {
      case "string" -> string(schema, rng);
      case "integer", "number" -> integer(schema, rng);
      case "boolean" -> rng.nextBoolean();
      case "array" -> array(schema, name, hints, full, rng, depth);
      case "object" -> object(schema, raw, hints, slot, full, rng, depth);
      default -> null;
    };
  }

  private Object string(Map<String, Object> schema, Random rng) {
    Object format = schema.get("format");
    if ("date-time".equals(format)) {
      return OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(60 + rng.nextInt(86_400)).format(RFC3339);
    }
    if ("date".equals(format)) {
      return "2024-0" + (1 + rng.nextInt(9)) + "-1" + rng.nextInt(10);
    }
    if ("uuid".equals(format)) {
      return new UUID(rng.nextLong(), rng.nextLong()).toString();
    }
    int min = intOr(schema.get("minLength"), 0);
    int max = intOr(schema.get("maxLength"), Math.max(min, 1) + 24);
    int low = Math.max(min, Math.min(1, max));
    int length = low + rng.nextInt(Math.max(1, Math.min(max, low + 12) - low + 1));
    for (int attempt = 0; attempt < 32; attempt++) {
      StringBuilder sb = new StringBuilder(attempt > 16 ? "a" : "");
      while (sb.length() < length) {
        sb.append(ALPHABET.charAt(rng.nextInt(ALPHABET.length())));
      }
      String candidate = sb.substring(0, Math.min(sb.length(), Math.max(length, 1)));
      if (verdict.valid(schema, candidate)) {
        return candidate;
      }
    }
    return "a";
  }

  private Object integer(Map<String, Object> schema, Random rng) {
    BigDecimal min = lower(schema);
    BigDecimal max = upper(schema);
    BigDecimal low = min != null ? min : (max != null && max.signum() < 0 ? max.subtract(BigDecimal.valueOf(100)) : BigDecimal.ZERO);
    BigDecimal high = max != null ? max : low.add(BigDecimal.valueOf(1000));
    int pick = rng.nextInt(20);
    if (pick < 3) {
      return low;
    }
    if (pick < 4) {
      return high;
    }
    long span = Math.min(100, high.subtract(low).min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue());
    return low.add(BigDecimal.valueOf(span <= 0 ? 0 : (long) rng.nextInt((int) span + 1)));
  }

  private Object array(Map<String, Object> schema, String name, Hints hints, boolean full, Random rng, int depth) {
    int min = intOr(schema.get("minItems"), 0);
    int max = intOr(schema.get("maxItems"), Math.max(min, 1) + 2);
    int count = full ? Math.max(min, 1) : Math.max(min, Math.min(max, Math.max(min, 1) + rng.nextInt(3)));
    count = Math.min(count, max);
    List<Object> items = new ArrayList<>();
    Map<String, Object> itemSchema = map(schema.get("items"));
    for (int i = 0; i < count; i++) {
      Object item = depth > 8 ? null : generate(itemSchema, name, i, hints, full, rng, depth + 1);
      if (Boolean.TRUE.equals(schema.get("uniqueItems")) && items.stream().anyMatch(o -> JsonText.text(o).equals(JsonText.text(item)))) {
        continue;
      }
      items.add(item);
    }
    return items;
  }

  private Object object(Map<String, Object> schema, Map<String, Object> raw, Hints hints, int slot, boolean full, Random rng, int depth) {
    Map<String, Object> properties = map(schema.get("properties"));
    Map<String, Object> object = new LinkedHashMap<>();
    if (properties.isEmpty()) {
      if (intOr(schema.get("maxProperties"), 1) == 0 || Boolean.FALSE.equals(schema.get("additionalProperties"))) {
        return object;
      }
      return freeForm(rng);
    }
    List<Object> required = list(schema.get("required"));
    for (Map.Entry<String, Object> p : properties.entrySet()) {
      if (required.contains(p.getKey()) || full || rng.nextInt(2) == 0) {
        if (depth > 8) {
          continue;
        }
        object.put(p.getKey(), generate(map(p.getValue()), p.getKey(), slot, hints, full, rng, depth + 1));
      }
    }
    if (!verdict.valid(raw, object)) {
      // A combination the schema forbids (priority with priority_score, in a "not" that the
      // effective schema does not keep): drop one optional member, as valid() does at the top,
      // so that nested objects (bulk items) can be valid too.
      for (String key : new ArrayList<>(object.keySet())) {
        if (!required.contains(key)) {
          Map<String, Object> fewer = new LinkedHashMap<>(object);
          fewer.remove(key);
          if (verdict.valid(raw, fewer)) {
            return fewer;
          }
        }
      }
    }
    return object;
  }

  /** A small object for a member the schema leaves open ({@code params}, {@code result}). */
  static Map<String, Object> freeForm(Random rng) {
    Map<String, Object> object = new LinkedHashMap<>();
    switch (rng.nextInt(4)) {
      case 0 -> {
      }
      case 1 -> object.put("n", rng.nextInt(1000));
      case 2 -> {
        object.put("s", "v" + rng.nextInt(1000));
        object.put("list", List.of(1, "two", true));
      }
      default -> object.put("nested", new LinkedHashMap<>(Map.of("x", 1.25, "y", List.of())));
    }
    return object;
  }

  /** Every place in a valid body, with the schema that governs it (the body itself first). */
  List<Node> nodes(Map<String, Object> schema, Object value) {
    List<Node> nodes = new ArrayList<>();
    walk(schema, value, new ArrayList<>(), nodes, 0);
    return nodes;
  }

  private void walk(Map<String, Object> raw, Object value, List<Object> path, List<Node> nodes, int depth) {
    Map<String, Object> schema = effective(raw);
    for (String key : List.of("oneOf", "anyOf")) {
      for (Object branch : list(schema.get(key))) {
        if (verdict.valid(map(branch), value) && !SchemaVerdict.types(effective(map(branch))).equals(Set.of("null"))) {
          Map<String, Object> merged = new LinkedHashMap<>(schema);
          merged.remove(key);
          merged.put("allOf", List.of(branch));
          schema = effective(merged);
          break;
        }
      }
    }
    Map<String, Object> properties = map(schema.get("properties"));
    boolean freeForm = value instanceof Map<?, ?> && properties.isEmpty() && !Boolean.FALSE.equals(schema.get("additionalProperties"))
        && intOr(schema.get("maxProperties"), 1) > 0 || SchemaVerdict.types(schema).isEmpty() && !schema.containsKey("properties")
        && !schema.containsKey("items") && !schema.containsKey("enum") && !schema.containsKey("const");
    nodes.add(new Node(List.copyOf(path), schema, freeForm));
    if (depth > 8 || freeForm) {
      return;
    }
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<String, Object> member : map(m).entrySet()) {
        if (properties.containsKey(member.getKey())) {
          path.add(member.getKey());
          walk(map(properties.get(member.getKey())), member.getValue(), path, nodes, depth + 1);
          path.remove(path.size() - 1);
        }
      }
    } else if (value instanceof List<?> items && schema.get("items") instanceof Map<?, ?> itemSchema && !items.isEmpty()) {
      path.add(0);
      walk(map(itemSchema), items.get(0), path, nodes, depth + 1);
      path.remove(path.size() - 1);
    }
  }

  /**
   * The schema's own boundary and invalid variants of the value at a node: other JSON types,
   * null, just outside and exactly at every bound, lengths, patterns, formats, enums, missing
   * and unknown members, item counts. Whether each is valid is for {@link SchemaVerdict} to say.
   */
  List<Variant> variants(Node node, Object current, Random rng) {
    Map<String, Object> schema = node.schema();
    List<Variant> out = new ArrayList<>();
    Set<String> types = SchemaVerdict.types(schema);
    for (Object other : new Object[] {"fuzz", 12345, new BigDecimal("1.5"), true, null, List.of(), new LinkedHashMap<>()}) {
      String kind = SchemaVerdict.kind(other);
      if (!types.contains(kind) && !(kind.equals("integer") && types.contains("number"))) {
        out.add(new Variant("type " + kind + " instead of " + types, other));
      }
    }
    BigDecimal min = lower(schema);
    BigDecimal max = upper(schema);
    if (types.contains("integer") || types.contains("number")) {
      if (min != null) {
        out.add(new Variant("below minimum", min.subtract(BigDecimal.ONE)));
        out.add(new Variant("at minimum", min));
      }
      if (max != null) {
        out.add(new Variant("above maximum", max.add(BigDecimal.ONE)));
        out.add(new Variant("at maximum", max));
      }
      if (types.contains("integer")) {
        out.add(new Variant("fraction in an integer", (min != null ? min : BigDecimal.ZERO).add(new BigDecimal("0.5"))));
        out.add(new Variant("integer written 1.0", JsonText.Raw.text((min != null ? min.max(BigDecimal.ONE) : BigDecimal.ONE).toBigInteger() + ".0")));
      }
    }
    if (types.contains("string")) {
      int minLength = intOr(schema.get("minLength"), 0);
      Integer maxLength = schema.get("maxLength") instanceof Number n ? n.intValue() : null;
      String seed = current instanceof String s && !s.isEmpty() ? s : "a";
      if (minLength > 0) {
        out.add(new Variant("shorter than minLength", pad(seed, minLength - 1)));
        out.add(new Variant("at minLength", pad(seed, minLength)));
      }
      if (maxLength != null && maxLength <= 200_000) {
        out.add(new Variant("longer than maxLength", pad(seed, maxLength + 1)));
        out.add(new Variant("at maxLength", pad(seed, maxLength)));
      }
      if (schema.get("pattern") != null) {
        for (String bad : List.of(" leading-space", "-dash-first", "spa ce", "emoji-\ud83d\ude00", "slash/../x", "*", "%")) {
          out.add(new Variant("against the pattern: " + bad, bad));
        }
      }
      Object format = schema.get("format");
      if ("date-time".equals(format)) {
        for (String bad : HostileInputs.BAD_DATE_TIMES) {
          out.add(new Variant("date-time " + bad, bad));
        }
        for (String edge : HostileInputs.EDGE_DATE_TIMES) {
          out.add(new Variant("date-time edge " + edge, edge));
        }
      }
      if ("uuid".equals(format)) {
        for (String bad : HostileInputs.BAD_UUIDS) {
          out.add(new Variant("uuid " + bad, bad));
        }
      }
    }
    if (schema.containsKey("enum")) {
      out.add(new Variant("not in the enum", "not-in-enum"));
      list(schema.get("enum")).stream().filter(e -> e instanceof String).findFirst()
          .ifPresent(e -> out.add(new Variant("enum value in upper case", ((String) e).toUpperCase())));
      list(schema.get("enum")).stream().filter(e -> e instanceof String).findFirst()
          .ifPresent(e -> out.add(new Variant("enum value with a space", " " + e)));
    }
    if (current instanceof List<?> items) {
      int minItems = intOr(schema.get("minItems"), 0);
      Integer maxItems = schema.get("maxItems") instanceof Number n ? n.intValue() : null;
      out.add(new Variant("empty array", List.of()));
      if (minItems > 1) {
        out.add(new Variant("fewer than minItems", repeat(items, minItems - 1)));
      }
      if (maxItems != null && maxItems <= 20_000 && !items.isEmpty()) {
        out.add(new Variant("more than maxItems", repeat(items, maxItems + 1)));
        out.add(new Variant("at maxItems", repeat(items, maxItems)));
      }
      if (!items.isEmpty()) {
        List<Object> withNull = new ArrayList<>(items);
        withNull.add(null);
        out.add(new Variant("null item", withNull));
      }
    }
    if (current instanceof Map<?, ?> m) {
      Map<String, Object> object = map(m);
      for (Object name : list(schema.get("required"))) {
        Map<String, Object> without = new LinkedHashMap<>(object);
        without.remove((String) name);
        out.add(new Variant("missing required " + name, without));
      }
      Map<String, Object> unknown = new LinkedHashMap<>(object);
      unknown.put("fuzz_unknown", 1);
      out.add(new Variant("unknown member", unknown));
      Map<String, Object> camel = new LinkedHashMap<>(object);
      object.keySet().stream().filter(k -> k.contains("_")).findFirst().ifPresent(k -> {
        Object v = camel.remove(k);
        camel.put(camelCase(k), v);
        out.add(new Variant("member name in camelCase", camel));
      });
      Map<String, Object> upper = new LinkedHashMap<>(object);
      object.keySet().stream().findFirst().ifPresent(k -> {
        Object v = upper.remove(k);
        upper.put(k.toUpperCase(), v);
        out.add(new Variant("member name in upper case", upper));
      });
      if (schema.get("maxProperties") instanceof Number n && n.intValue() < 100) {
        Map<String, Object> many = new LinkedHashMap<>(object);
        for (int i = 0; many.size() <= n.intValue(); i++) {
          many.put("extra" + i, i);
        }
        out.add(new Variant("more than maxProperties", many));
      }
    }
    return out;
  }

  private static String camelCase(String snake) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }

  private static List<Object> repeat(List<?> items, int count) {
    List<Object> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(items.get(i % items.size()));
    }
    return out;
  }

  private static String pad(String seed, int length) {
    if (length <= 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder(length);
    while (sb.length() < length) {
      sb.append(seed);
    }
    sb.setLength(length);
    if (Character.isHighSurrogate(sb.charAt(length - 1))) {
      sb.setCharAt(length - 1, 'a');
    }
    return sb.toString();
  }

  static BigDecimal lower(Map<String, Object> schema) {
    if (schema.get("exclusiveMinimum") instanceof Number n) {
      return new BigDecimal(n.toString()).add(BigDecimal.ONE);
    }
    return schema.get("minimum") instanceof Number n ? new BigDecimal(n.toString()) : null;
  }

  static BigDecimal upper(Map<String, Object> schema) {
    if (schema.get("exclusiveMaximum") instanceof Number n) {
      return new BigDecimal(n.toString()).subtract(BigDecimal.ONE);
    }
    return schema.get("maximum") instanceof Number n ? new BigDecimal(n.toString()) : null;
  }

  private static int intOr(Object o, int fallback) {
    return o instanceof Number n ? n.intValue() : fallback;
  }

  /** A deep copy of a body, so that a variant never changes the template. */
  @SuppressWarnings("unchecked")
  static Object copy(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<String, Object>) m).forEach((k, v) -> out.put(k, copy(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(copy(v)));
      return out;
    }
    return value;
  }

  /** The body with the value at {@code path} replaced (the body itself when the path is empty). */
  @SuppressWarnings("unchecked")
  static Object with(Object body, List<Object> path, Object value) {
    if (path.isEmpty()) {
      return value;
    }
    Object copy = copy(body);
    Object parent = copy;
    for (int i = 0; i < path.size() - 1; i++) {
      Object token = path.get(i);
      parent = token instanceof Integer index ? ((List<Object>) parent).get(index) : ((Map<String, Object>) parent).get(token);
    }
    Object last = path.get(path.size() - 1);
    if (last instanceof Integer index) {
      ((List<Object>) parent).set(index, value);
    } else {
      ((Map<String, Object>) parent).put((String) last, value);
    }
    return copy;
  }

  /** The value at {@code path}, or null. */
  static Object at(Object body, List<Object> path) {
    Object node = body;
    for (Object token : path) {
      if (token instanceof Integer index && node instanceof List<?> l && index < l.size()) {
        node = l.get(index);
      } else if (token instanceof String key && node instanceof Map<?, ?> m) {
        node = m.get(key);
      } else {
        return null;
      }
    }
    return node;
  }
}
