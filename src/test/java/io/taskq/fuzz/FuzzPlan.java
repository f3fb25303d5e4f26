package io.taskq.fuzz;

import static io.taskq.fuzz.FuzzCase.Expect.ANY;
import static io.taskq.fuzz.FuzzCase.Expect.EXACT;
import static io.taskq.fuzz.FuzzCase.Expect.REJECT;
import static io.taskq.fuzz.FuzzCase.Expect.VALID;

import io.taskq.fuzz.FuzzCase.Expect;
import io.taskq.fuzz.OpenApiDocument.Operation;
import io.taskq.fuzz.OpenApiDocument.Parameter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Every case the fuzz can send to one operation, derived from the document: the schema's own
 * variants of every member, the hostile classes in every string, number and free-form member,
 * whole-body syntax and encodings, content types, query parameters, path ids, keys, methods and
 * headers. A case is made just before it is sent, against the fixture as it is then.
 */
final class FuzzPlan {

  static final String NO_KEY = "\u0000no key";
  static final String JSON = "application/json";
  private static final long MIB = 1024 * 1024;

  /** What a case is made from at send time. */
  record Context(Operation op, String path, Object base, SchemaInputs.Hints hints, Random rng, Map<String, String> realIds) {
  }

  /** Makes one case. */
  interface Maker {
    FuzzCase make(Context context);
  }

  /** A case of the plan, not made yet. */
  record Spec(String operation, String inputClass, Maker maker) {
  }

  private final OpenApiDocument document;
  private final SchemaVerdict verdict;
  private final SchemaInputs inputs;
  private final FuzzFixture fixture;

  FuzzPlan(OpenApiDocument document, SchemaVerdict verdict, SchemaInputs inputs, FuzzFixture fixture) {
    this.document = document;
    this.verdict = verdict;
    this.inputs = inputs;
    this.fixture = fixture;
  }

  /** The body every case of the operation starts from: valid, with every optional member. */
  Object template(Operation op, Random rng) {
    if (!op.hasBody()) {
      return null;
    }
    Object body = inputs.valid(op.bodySchema(), fixture.hints(null, null, null), true, rng);
    if (body == null) {
      throw new AssertionError("no valid body could be generated for " + op.id() + " from its schema");
    }
    return body;
  }

  /** Every case for the operation, the classes interleaved so that any prefix samples them all. */
  List<Spec> specs(Operation op, Object template, Random rng, boolean firstOperationOfPath) {
    Map<String, List<Maker>> byClass = new LinkedHashMap<>();
    if (op.hasBody()) {
      bodyCases(op, template, byClass);
    }
    queryCases(op, byClass);
    pathCases(op, byClass);
    keyCases(op, byClass);
    if (firstOperationOfPath) {
      methodCases(op, byClass);
    }
    if (op.authenticated() && op.method().equals("POST")) {
      headerCases(op, byClass);
    }
    int total = byClass.values().stream().mapToInt(List::size).sum();
    List<Maker> valid = byClass.computeIfAbsent("valid", k -> new ArrayList<>());
    for (int i = 0, n = Math.max(6, total / 12); i < n; i++) {
      valid.add(ctx -> {
        Object body = op.hasBody() ? inputs.valid(op.bodySchema(), ctx.hints(), false, ctx.rng()) : null;
        return caseOf(ctx, "valid", "a fresh valid request", ctx.path() + validQuery(op, ctx), body == null ? null : JsonText.bytes(body),
            body == null ? null : JSON, VALID, Set.of());
      });
    }
    List<List<Spec>> lanes = new ArrayList<>();
    byClass.forEach((inputClass, makers) -> {
      List<Spec> lane = new ArrayList<>();
      makers.forEach(m -> lane.add(new Spec(op.id(), inputClass, m)));
      Collections.shuffle(lane, rng);
      lanes.add(lane);
    });
    List<Spec> out = new ArrayList<>();
    for (int i = 0; out.size() < total + valid.size(); i++) {
      for (List<Spec> lane : lanes) {
        if (i < lane.size()) {
          out.add(lane.get(i));
        }
      }
    }
    return out;
  }

  // ---- bodies

  private void bodyCases(Operation op, Object template, Map<String, List<Maker>> byClass) {
    List<SchemaInputs.Node> nodes = inputs.nodes(op.bodySchema(), template);
    for (SchemaInputs.Node node : nodes) {
      Object current = SchemaInputs.at(template, node.path());
      for (SchemaInputs.Variant v : inputs.variants(node, current, new Random(node.pointer().hashCode()))) {
        add(byClass, "schema", ctx -> {
          Object body = SchemaInputs.with(ctx.base(), node.path(), v.value());
          String fault = verdict.fault(op.bodySchema(), body, "");
          byte[] bytes = JsonText.bytes(body);
          // A body that is not an object cannot be read (400); an object with faulty members is 422.
          Set<Integer> allowed = node.path().isEmpty() && !(v.value() instanceof Map<?, ?>) ? Set.of(400)
              : bytes.length > MIB || v.label().contains("maxItems")
              ? Set.of(413, 422) : Set.of(422);
          return caseOf(ctx, "schema", node.pointer() + ": " + v.label() + (fault == null ? " (valid)" : " (" + fault + ")"),
              ctx.path(), bytes, JSON, fault == null ? VALID : itemOrWhole(op, node), allowed);
        });
      }
      Set<String> types = SchemaVerdict.types(node.schema());
      if (!node.path().isEmpty() && types.contains("string")) {
        stringCases(op, node, byClass);
      }
      if (!node.path().isEmpty() && (types.contains("integer") || types.contains("number"))) {
        numberCases(op, node, byClass);
      }
      if (node.freeForm()) {
        freeFormCases(op, node, byClass);
      }
    }
    wholeBodyCases(op, template, nodes, byClass);
  }

  private void stringCases(Operation op, SchemaInputs.Node node, Map<String, List<Maker>> byClass) {
    for (HostileInputs.Value v : HostileInputs.NUL_STRINGS) {
      add(byClass, "NUL in a string", ctx -> at(ctx, node, v.label(), v.value(), itemOrWhole(op, node), Set.of(422)));
    }
    for (HostileInputs.Value v : HostileInputs.SURROGATE_STRINGS) {
      add(byClass, "lone surrogate", ctx -> at(ctx, node, v.label(), v.value(), REJECT, Set.of(400)));
    }
    for (HostileInputs.Value v : HostileInputs.INVALID_UTF8) {
      add(byClass, "invalid UTF-8", ctx -> at(ctx, node, v.label(), JsonText.Raw.stringOfBytes((byte[]) v.value()), REJECT, Set.of(400)));
    }
    for (HostileInputs.Value v : HostileInputs.BAD_STRING_SYNTAX) {
      add(byClass, "bad string syntax", ctx -> at(ctx, node, v.label(), JsonText.Raw.stringOfBytes((byte[]) v.value()), REJECT, Set.of(400)));
    }
    for (String s : HostileInputs.INJECTIONS) {
      add(byClass, "injection", ctx -> {
        Object body = SchemaInputs.with(ctx.base(), node.path(), s);
        boolean valid = verdict.valid(op.bodySchema(), body);
        return caseOf(ctx, "injection", node.pointer() + " = " + s, ctx.path(), JsonText.bytes(body), JSON, valid ? VALID : REJECT,
            Set.of(422));
      });
    }
    if (SchemaVerdict.types(node.schema()).contains("string") && "date-time".equals(node.schema().get("format"))) {
      for (String s : HostileInputs.YEARS_POSTGRES_CANNOT_HOLD) {
        add(byClass, "date PostgreSQL cannot hold", ctx -> at(ctx, node, s, s, itemOrWhole(op, node), Set.of(422)));
      }
    }
  }

  private void numberCases(Operation op, SchemaInputs.Node node, Map<String, List<Maker>> byClass) {
    for (String n : HostileInputs.NON_FINITE) {
      add(byClass, "non-finite number", ctx -> at(ctx, node, n, JsonText.Raw.text(n), itemOrWhole(op, node), Set.of(422)));
    }
    if (SchemaVerdict.types(node.schema()).contains("integer")) {
      for (String n : HostileInputs.BEYOND_INT64) {
        add(byClass, "integer beyond int64", ctx -> at(ctx, node, n, JsonText.Raw.text(n), itemOrWhole(op, node), Set.of(422)));
      }
    }
    for (String n : HostileInputs.NOT_JSON_NUMBERS) {
      add(byClass, "not a JSON number", ctx -> at(ctx, node, n, JsonText.Raw.text(n), REJECT, Set.of(400)));
    }
    add(byClass, "huge number literal", ctx -> at(ctx, node, "1 and 5,000 zeros", JsonText.Raw.text("1" + "0".repeat(5000)),
        REJECT, Set.of(400, 422)));
    add(byClass, "huge number literal", ctx -> at(ctx, node, "5,000 fraction digits", JsonText.Raw.text("1." + "1".repeat(5000)),
        REJECT, Set.of(400, 422)));
  }

  private void freeFormCases(Operation op, SchemaInputs.Node node, Map<String, List<Maker>> byClass) {
    String inside = "inside a free-form member";
    for (String n : HostileInputs.NON_FINITE) {
      add(byClass, "non-finite number", ctx -> at(ctx, node, "{\"n\": " + n + "} " + inside, member("n", JsonText.Raw.text(n)),
          itemOrWhole(op, node), Set.of(422)));
      add(byClass, "non-finite number", ctx -> at(ctx, node, "[" + n + "] nested " + inside,
          member("a", List.of(1, JsonText.Raw.text(n))), itemOrWhole(op, node), Set.of(422)));
    }
    if (node.schema().get("type") == null) {
      add(byClass, "non-finite number", ctx -> at(ctx, node, "bare 1e400 as the value", JsonText.Raw.text("1e400"), itemOrWhole(op, node), Set.of(422)));
    }
    for (String n : HostileInputs.BEYOND_INT64) {
      // A double holds these exactly (or they are plain integers a JSON store keeps): valid.
      add(byClass, "big number kept exactly", ctx -> at(ctx, node, "{\"n\": " + n + "} " + inside, member("n", JsonText.Raw.text(n)),
          VALID, Set.of()));
    }
    for (String n : List.of("NaN", "Infinity", "-Infinity", "01")) {
      add(byClass, "not a JSON number", ctx -> at(ctx, node, "{\"n\": " + n + "} " + inside, member("n", JsonText.Raw.text(n)),
          REJECT, Set.of(400)));
    }
    for (HostileInputs.Value v : HostileInputs.NUL_STRINGS) {
      add(byClass, "NUL in a string", ctx -> at(ctx, node, v.label() + " in a value " + inside, member("s", v.value()), itemOrWhole(op, node),
          Set.of(422)));
    }
    add(byClass, "NUL in a string", ctx -> at(ctx, node, "U+0000 in a key " + inside, member("k\u0000", 1), itemOrWhole(op, node), Set.of(422)));
    for (HostileInputs.Value v : HostileInputs.SURROGATE_STRINGS) {
      add(byClass, "lone surrogate", ctx -> at(ctx, node, v.label() + " " + inside, member("s", v.value()), REJECT, Set.of(400)));
    }
    add(byClass, "lone surrogate", ctx -> at(ctx, node, "lone surrogate in a key " + inside, member("k\ud800", 1), REJECT, Set.of(400)));
    for (HostileInputs.Value v : HostileInputs.INVALID_UTF8) {
      add(byClass, "invalid UTF-8", ctx -> at(ctx, node, v.label() + " " + inside,
          member("s", JsonText.Raw.stringOfBytes((byte[]) v.value())), REJECT, Set.of(400)));
    }
    add(byClass, "duplicate key", ctx -> at(ctx, node, "duplicate key " + inside, new JsonText.Members(List.of(
        new AbstractMap.SimpleEntry<>("a", 1), new AbstractMap.SimpleEntry<>("a", 2))), REJECT, Set.of(400)));
    add(byClass, "deep nesting", ctx -> at(ctx, node, "arrays 600 deep " + inside, member("deep", HostileInputs.nested(600, "1")),
        ANY, Set.of()));
    add(byClass, "deep nesting", ctx -> at(ctx, node, "arrays 5,000 deep " + inside, member("deep", HostileInputs.nested(5000, "1")),
        ANY, Set.of()));
    for (String s : HostileInputs.INJECTIONS) {
      add(byClass, "injection", ctx -> at(ctx, node, "{\"s\": " + s + "} " + inside, member("s", s), VALID, Set.of()));
    }
    for (HostileInputs.Value v : HostileInputs.SCHEMA_TRAPS) {
      // Data in params or result, a schema in param_schema: only the invariants can be asked of all three.
      add(byClass, "schema trap", ctx -> at(ctx, node, v.label() + " " + inside, v.value(), ANY, Set.of()));
    }
    add(byClass, "injection", ctx -> at(ctx, node, "injection as a key " + inside, member("' OR 1=1 --", "${jndi:ldap://x/a}"),
        VALID, Set.of()));
  }

  private void wholeBodyCases(Operation op, Object template, List<SchemaInputs.Node> nodes, Map<String, List<Maker>> byClass) {
    String valid = JsonText.text(template);
    for (HostileInputs.Body b : HostileInputs.notStrictJson(valid)) {
      add(byClass, "not strict JSON", ctx -> caseOf(ctx, "not strict JSON", b.label(), ctx.path(), rebased(b, ctx), JSON, REJECT,
          Set.of(400)));
    }
    for (HostileInputs.Body b : HostileInputs.notAnObject()) {
      // The document may allow the literal null (an optional body that generated clients send as null).
      boolean allowed = HostileInputs.NULL_BODY.equals(b.label()) && verdict.valid(op.bodySchema(), null);
      add(byClass, "not an object", ctx -> caseOf(ctx, "not an object", b.label(), ctx.path(), b.bytes(), JSON,
          allowed ? ANY : REJECT, Set.of(400)));
    }
    for (String blank : List.of("", " \n\t ")) {
      add(byClass, "empty body", ctx -> caseOf(ctx, "empty body", "body '" + blank.replace("\n", "\\n").replace("\t", "\\t")
          + "' with a JSON content type", ctx.path(), blank.getBytes(StandardCharsets.UTF_8), JSON,
          op.bodyRequired() ? REJECT : ANY, Set.of(400)));
    }
    if (op.bodyRequired()) {
      add(byClass, "empty body", ctx -> caseOf(ctx, "empty body", "no body, no content type", ctx.path(), null, null, REJECT,
          Set.of(400, 415)));
    }
    for (int i = 0; i < HostileInputs.otherEncodings(valid).size(); i++) {
      int index = i;
      add(byClass, "other encoding", ctx -> {
        HostileInputs.Body b = HostileInputs.otherEncodings(JsonText.text(ctx.base())).get(index);
        return caseOf(ctx, "other encoding", b.label(), ctx.path(), b.bytes(), JSON, REJECT,
            b.label().contains("BOM") && b.label().startsWith("UTF-8") ? Set.of(400) : Set.of(400, 415));
      });
    }
    add(byClass, "other encoding", ctx -> caseOf(ctx, "other encoding", "UTF-16LE announced as charset=utf-16le", ctx.path(),
        JsonText.text(ctx.base()).getBytes(StandardCharsets.UTF_16LE), "application/json; charset=utf-16le", REJECT, Set.of(400, 415)));
    for (String type : HostileInputs.WRONG_CONTENT_TYPES) {
      Set<Integer> allowed = type.equals("*/*") || type.equals("json") ? Set.of(400, 415) : Set.of(415);
      add(byClass, "content type", ctx -> caseOf(ctx, "content type", "valid body as " + type, ctx.path(),
          JsonText.bytes(ctx.base()), type, REJECT, allowed));
    }
    add(byClass, "content type", ctx -> caseOf(ctx, "content type", "valid body without a content type", ctx.path(),
        JsonText.bytes(ctx.base()), null, REJECT, Set.of(400, 415)));
    for (String type : HostileInputs.JSON_CONTENT_TYPES) {
      add(byClass, "content type", ctx -> caseOf(ctx, "content type", "valid body as " + type, ctx.path(),
          JsonText.bytes(ctx.base()), type, VALID, Set.of()));
    }
    SchemaInputs.Node firstString = nodes.stream().filter(n -> !n.path().isEmpty()
        && SchemaVerdict.types(n.schema()).contains("string") && n.schema().get("format") == null).findFirst().orElse(null);
    add(byClass, "huge body", ctx -> {
      String big = "x".repeat((int) (MIB + 4096));
      Object body = firstString != null ? SchemaInputs.with(ctx.base(), firstString.path(), big)
          : ctx.base() instanceof Map<?, ?> m ? withMember(m, "fuzz_padding", big) : big;
      return caseOf(ctx, "huge body", "a string of 1 MiB + 4 KiB at " + (firstString == null ? "/fuzz_padding" : firstString.pointer()),
          ctx.path(), JsonText.bytes(body), JSON, REJECT, Set.of(413, 422));
    });
    add(byClass, "huge body", ctx -> {
      Map<String, Object> many = new LinkedHashMap<>();
      if (ctx.base() instanceof Map<?, ?> m) {
        m.forEach((k, v) -> many.put((String) k, v));
      }
      for (int i = 0; i < 5_000; i++) {
        many.put("m" + i, i);
      }
      return caseOf(ctx, "huge body", "5,000 unknown members", ctx.path(), JsonText.bytes(many), JSON, REJECT, Set.of(400, 413, 422));
    });
    add(byClass, "deep nesting", ctx -> {
      String deep = "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000);
      return caseOf(ctx, "deep nesting", "objects 20,000 deep", ctx.path(), deep.getBytes(StandardCharsets.UTF_8), JSON, REJECT,
          Set.of(400, 413, 422));
    });
  }

  /** A syntax case rebuilt on the current base (the template's text is only its shape). */
  private static byte[] rebased(HostileInputs.Body b, Context ctx) {
    String now = JsonText.text(ctx.base());
    for (HostileInputs.Body candidate : HostileInputs.notStrictJson(now)) {
      if (candidate.label().equals(b.label())) {
        return candidate.bytes();
      }
    }
    return b.bytes();
  }

  // ---- query, path, keys, methods, headers

  private void queryCases(Operation op, Map<String, List<Maker>> byClass) {
    Expect unknown = op.authenticated() ? REJECT : ANY;
    Set<String> documented = new HashSet<>();
    op.queryParameters().forEach(p -> documented.add(p.name()));
    for (String name : HostileInputs.UNKNOWN_QUERY_NAMES) {
      // "q" is listTasks' search text: a name the operation documents is not unknown to it.
      if (name.isEmpty() || documented.contains(name)) {
        continue;
      }
      add(byClass, "query", ctx -> withBody(op, ctx, "query", "unknown parameter " + name,
          ctx.path() + "?" + HostileInputs.percentEncode(name) + "=1", unknown, Set.of(400)));
    }
    for (Parameter p : op.queryParameters()) {
      Object validValue = inputs.valid(p.schema(), fixture.hints(null, null, null), false, new Random(p.name().hashCode()));
      String good = queryText(validValue);
      add(byClass, "query", ctx -> withBody(op, ctx, "query", "repeated " + p.name(), ctx.path() + "?" + p.name() + "=" + good + "&"
          + p.name() + "=" + good, REJECT, Set.of(400)));
      add(byClass, "query", ctx -> withBody(op, ctx, "query", "name in upper case " + p.name().toUpperCase(),
          ctx.path() + "?" + p.name().toUpperCase() + "=" + good, REJECT, Set.of(400)));
      add(byClass, "query", ctx -> withBody(op, ctx, "query", "empty value of " + p.name(), ctx.path() + "?" + p.name() + "=",
          VALID, Set.of()));
      SchemaInputs.Node node = new SchemaInputs.Node(List.of(p.name()), inputs.effective(p.schema()), false);
      for (SchemaInputs.Variant v : inputs.variants(node, validValue, new Random(1))) {
        String text = queryText(v.value());
        if (text == null || text.isEmpty()) {
          continue;
        }
        String plain = java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
        add(byClass, "query", ctx -> {
          boolean valid = verdict.valid(p.schema(), typed(inputs.effective(p.schema()), plain));
          return withBody(op, ctx, "query", p.name() + ": " + v.label(), ctx.path() + "?" + p.name() + "=" + text,
              valid ? VALID : REJECT, Set.of(400));
        });
      }
      if (SchemaVerdict.types(inputs.effective(p.schema())).contains("integer")) {
        for (String n : HostileInputs.BEYOND_INT64) {
          add(byClass, "integer beyond int64", ctx -> withBody(op, ctx, "integer beyond int64", p.name() + " = " + n,
              ctx.path() + "?" + p.name() + "=" + n, verdict.valid(p.schema(), typed(inputs.effective(p.schema()), n)) ? VALID : REJECT, Set.of(400)));
        }
      }
      for (String s : HostileInputs.INJECTIONS) {
        if (s.isEmpty()) {
          continue;
        }
        add(byClass, "injection", ctx -> {
          boolean valid = verdict.valid(p.schema(), typed(inputs.effective(p.schema()), s));
          return withBody(op, ctx, "injection", p.name() + " = " + s, ctx.path() + "?" + p.name() + "=" + HostileInputs.percentEncode(s),
              valid ? VALID : REJECT, Set.of(400));
        });
      }
      for (HostileInputs.Value v : HostileInputs.BROKEN_QUERY_VALUES) {
        add(byClass, "query", ctx -> withBody(op, ctx, "query", p.name() + " = " + v.label(), ctx.path() + "?" + p.name() + "="
            + v.value(), REJECT, Set.of(400)));
      }
      for (HostileInputs.Value v : HostileInputs.unicodeDigits(7)) {
        String plain = java.net.URLDecoder.decode((String) v.value(), StandardCharsets.UTF_8);
        add(byClass, "query", ctx -> {
          boolean valid = verdict.valid(p.schema(), typed(inputs.effective(p.schema()), plain));
          return withBody(op, ctx, "query", p.name() + " in " + v.label(), ctx.path() + "?" + p.name() + "=" + v.value(),
              valid ? VALID : REJECT, Set.of(400));
        });
      }
    }
  }

  /**
   * The value a query parameter's text stands for, as the schema sees it. Give it the effective
   * schema: a $ref (task_id's Id) has no type of its own, and its integers would stay text.
   */
  private static Object typed(Map<String, Object> schema, Object value) {
    if (!(value instanceof String s)) {
      return value;
    }
    Set<String> types = SchemaVerdict.types(schema);
    if ((types.contains("integer") || types.contains("number")) && s.matches("-?(0|[1-9][0-9]*)")) {
      return new BigDecimal(s);
    }
    if (types.contains("boolean") && (s.equals("true") || s.equals("false"))) {
      return Boolean.valueOf(s);
    }
    return s;
  }

  private static String queryText(Object value) {
    if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
      return null;
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof JsonText.Raw raw) {
      return HostileInputs.percentEncode(raw.toString());
    }
    return HostileInputs.percentEncode(value.toString());
  }

  private String validQuery(Operation op, Context ctx) {
    StringBuilder sb = new StringBuilder();
    for (Parameter p : op.queryParameters()) {
      if (ctx.rng().nextBoolean()) {
        String text = queryText(inputs.valid(p.schema(), ctx.hints(), false, ctx.rng()));
        if (text != null) {
          sb.append(sb.length() == 0 ? "?" : "&").append(p.name()).append('=').append(text);
        }
      }
    }
    return sb.toString();
  }

  private void pathCases(Operation op, Map<String, List<Maker>> byClass) {
    for (Parameter p : op.pathParameters()) {
      boolean uuid = "uuid".equals(inputs.effective(p.schema()).get("format"));
      for (String pattern : uuid ? HostileInputs.HOSTILE_UUID_IDS : HostileInputs.HOSTILE_NUMERIC_IDS) {
        add(byClass, "path id", ctx -> {
          String real = ctx.realIds().get(p.name());
          String hostile = pattern.contains("%s") ? String.format(pattern, real) : String.format(pattern);
          return withBody(op, ctx, "path id", p.name() + " = " + hostile, pathWith(op, ctx, p.name(), hostile), REJECT, Set.of(400, 404));
        });
      }
      if (!uuid) {
        for (int i = 0; i < 4; i++) {
          int index = i;
          add(byClass, "path id", ctx -> {
            HostileInputs.Value v = HostileInputs.unicodeDigits(Long.parseLong(ctx.realIds().get(p.name()))).get(index);
            return withBody(op, ctx, "path id", p.name() + " in " + v.label() + " (" + v.value() + ")",
                pathWith(op, ctx, p.name(), (String) v.value()), REJECT, Set.of(400, 404));
          });
        }
      }
    }
  }

  private static String pathWith(Operation op, Context ctx, String name, String value) {
    String path = op.path();
    for (Map.Entry<String, String> id : ctx.realIds().entrySet()) {
      path = path.replace("{" + id.getKey() + "}", id.getKey().equals(name) ? value : id.getValue());
    }
    return path;
  }

  private void keyCases(Operation op, Map<String, List<Maker>> byClass) {
    if (!op.authenticated()) {
      add(byClass, "keys", ctx -> withBody(op, ctx, "keys", "an unknown key on a public operation", ctx.path(), ANY, Set.of())
          .withHeader("Authorization", "Bearer tq_fuzz_unknown"));
      return;
    }
    add(byClass, "keys", ctx -> withBody(op, ctx, "keys", "no key", ctx.path(), EXACT, Set.of(401)).withHeader("Authorization", NO_KEY));
    add(byClass, "keys", ctx -> withBody(op, ctx, "keys", "unknown key", ctx.path(), EXACT, Set.of(401))
        .withHeader("Authorization", "Bearer tq_fuzz_unknown_0123456789abcdef"));
    add(byClass, "keys", ctx -> withBody(op, ctx, "keys", "Basic scheme", ctx.path(), EXACT, Set.of(401))
        .withHeader("Authorization", "Basic Zm9vOmJhcg=="));
    add(byClass, "keys", ctx -> withBody(op, ctx, "keys", "empty bearer", ctx.path(), EXACT, Set.of(401))
        .withHeader("Authorization", "Bearer "));
    add(byClass, "keys", ctx -> withBody(op, ctx, "keys", "read-only key", ctx.path(), op.method().equals("GET") ? ANY : REJECT,
        Set.of(403)).withHeader("Authorization", "Bearer " + fixture.readOnlyKey()));
    if (op.path().contains("{projectId}")) {
      add(byClass, "keys", ctx -> withBody(op, ctx, "keys", "key scoped to another project", ctx.path(), REJECT, Set.of(403, 404))
          .withHeader("Authorization", "Bearer " + fixture.scopedKey()));
    } else {
      add(byClass, "keys", ctx -> withBody(op, ctx, "keys", "project-scoped key", ctx.path(), ANY, Set.of())
          .withHeader("Authorization", "Bearer " + fixture.scopedKey()));
    }
  }

  private void methodCases(Operation op, Map<String, List<Maker>> byClass) {
    Set<String> documented = document.methods(op.path());
    // On an action path (/tasks/1:complete) a server may read the action as part of an id and
    // answer 404; 405 is better, but both are right.
    Set<Integer> allowed = op.path().substring(op.path().lastIndexOf('/')).contains(":") ? Set.of(404, 405) : Set.of(405);
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
      if (!documented.contains(method)) {
        add(byClass, "method", ctx -> new FuzzCase(op.id(), "method", method + " on a path that does not have it", method,
            ctx.path(), method.equals("GET") || method.equals("DELETE") ? Map.of() : Map.of("Content-Type", JSON),
            method.equals("GET") || method.equals("DELETE") ? null : "{}".getBytes(StandardCharsets.UTF_8), EXACT, allowed));
      }
    }
    if (documented.contains("GET") && !documented.contains("HEAD")) {
      add(byClass, "method", ctx -> new FuzzCase(op.id(), "method", "HEAD where GET works", "HEAD", ctx.path(), Map.of(), null,
          EXACT, Set.of(200)));
    }
  }

  private void headerCases(Operation op, Map<String, List<Maker>> byClass) {
    add(byClass, "header", ctx -> withBody(op, ctx, "header", "Idempotency-Key of 256 characters", ctx.path(), REJECT, Set.of(400, 422))
        .withHeader("Idempotency-Key", "k".repeat(256)));
    add(byClass, "header", ctx -> withBody(op, ctx, "header", "Idempotency-Key with bytes that are not UTF-8", ctx.path(), REJECT,
        Set.of(400)).withHeader("Idempotency-Key", "fuzz-\u00ff\u00c0\u00af-" + UUID.randomUUID()));
    add(byClass, "header", ctx -> withBody(op, ctx, "header", "Idempotency-Key of 255 characters", ctx.path(), VALID, Set.of())
        .withHeader("Idempotency-Key", (UUID.randomUUID() + "k".repeat(255)).substring(0, 255)));
  }

  // ---- helpers

  /** How a readable fault at this node is refused: in its own slot when it is inside an item of such a batch, else by the request. */
  private static Expect itemOrWhole(Operation op, SchemaInputs.Node node) {
    return op.invalidItemsAnsweredAlone() && node.path().stream().anyMatch(t -> t instanceof Integer) ? Expect.REJECT_ITEM : REJECT;
  }

  /** The operation's valid request (its template body, if it has one) at another URI. */
  private static FuzzCase withBody(Operation op, Context ctx, String inputClass, String label, String uri, Expect expect,
      Set<Integer> allowed) {
    byte[] body = ctx.base() == null ? null : JsonText.bytes(ctx.base());
    return caseOf(ctx, inputClass, label, uri, body, body == null ? null : JSON, expect, allowed);
  }

  private FuzzCase at(Context ctx, SchemaInputs.Node node, String label, Object value, Expect expect, Set<Integer> allowed) {
    Object body = SchemaInputs.with(ctx.base(), node.path(), value);
    return caseOf(ctx, null, node.pointer() + " = " + label, ctx.path(), JsonText.bytes(body), JSON, expect, allowed);
  }

  private static FuzzCase caseOf(Context ctx, String inputClass, String label, String uri, byte[] body, String contentType,
      Expect expect, Set<Integer> allowed) {
    return FuzzCase.of(ctx.op().id(), inputClass, label, ctx.op().method(), uri, body, contentType, expect, allowed);
  }

  private static Map<String, Object> member(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    return m;
  }

  private static Map<String, Object> withMember(Map<?, ?> object, String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    object.forEach((k, v) -> m.put((String) k, v));
    m.put(key, value);
    return m;
  }

  private static void add(Map<String, List<Maker>> byClass, String inputClass, Maker maker) {
    byClass.computeIfAbsent(inputClass, k -> new ArrayList<>()).add(ctx -> {
      FuzzCase c = maker.make(ctx);
      return c.inputClass() == null || !c.inputClass().equals(inputClass)
          ? new FuzzCase(c.operation(), inputClass, c.label(), c.method(), c.uri(), c.headers(), c.body(), c.expect(), c.allowed())
          : c;
    });
  }
}
