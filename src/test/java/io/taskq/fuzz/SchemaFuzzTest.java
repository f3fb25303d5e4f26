package io.taskq.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.config.TaskqConfig;
import io.taskq.fuzz.FuzzCase.Expect;
import io.taskq.fuzz.OpenApiDocument.Operation;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Walks every operation of openapi/taskq.yaml with inputs generated from its schemas and with
 * the attacker's classes, and holds every answer to the promises the project makes: never a
 * 5xx; every 4xx a problem document whose status is the HTTP status; no internals in any body;
 * nothing written by a rejected request; what the document rejects is rejected, and what it
 * accepts is never refused as unreadable. Seeded: {@code -Dtaskq.fuzz.seed=...} replays a run,
 * {@code -Dtaskq.fuzz.requests=N} scales it.
 */
class SchemaFuzzTest extends ServerTest {

  /**
   * Every distinct case (about 12,700) and some fresh draws: 35-50 s on this 2-core machine, of
   * which 20 s is the one claim that long-polls for its longest wait with nothing to claim.
   */
  private static final int DEFAULT_REQUESTS = 13000;
  /**
   * The sending stops here, well inside the test's own timeout: a slow machine sends fewer
   * cases instead of failing, and a request that never answers (30 s idle timeout) is still
   * reported as a finding rather than cut off by the timeout.
   */
  private static final int DEFAULT_MAX_SECONDS = 90;
  private static final int SLOWEST_SHOWN = 5;

  /** Words that only internals put in a body: stack traces, library, driver and database messages. */
  private static final List<String> INTERNALS = List.of("Exception", "at io.", "at java.", "at org.", "com.fasterxml", "jackson",
      "Jackson", "StreamReadConstraints", "JsonReadFeature", "[Source:", "SQLSTATE", "invalid byte sequence", "PostgreSQL",
      "postgres", "pg_", "Known schemas", "__absolute_uri__", "io.vertx", "io.netty", "org.postgresql", "java.lang", "java.util",
      "io.taskq.", "StackOverflow", "Caused by", "ERROR:", "syntax error at", "relation \"", "column \"", "networknt",
      "Unrecognized token", "Unexpected character", "line: ", "HikariPool", "liquibase", "NullPointer", "ClassCast");

  /** Input classes whose bodies are readable JSON objects (the fault is in a member's value). */
  private static final Set<String> READABLE_CLASSES = Set.of("schema", "NUL in a string", "non-finite number",
      "integer beyond int64", "date PostgreSQL cannot hold", "injection", "big number kept exactly");

  @Override
  protected TaskqConfig configure(TaskqConfig config) {
    // No lease sweeps during the run: an expiring lease would write a task log at a random
    // moment, and the row counts must move only with the fuzz's own requests.
    return config.withSweepInterval(Duration.ofHours(1));
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void everyDocumentedOperationAnswersHostileAndBoundaryInputsAsPromised() {
    long seed = Long.getLong("taskq.fuzz.seed", new Random().nextLong());
    int budget = Integer.getInteger("taskq.fuzz.requests", DEFAULT_REQUESTS);
    long deadline = System.nanoTime() + Duration.ofSeconds(Integer.getInteger("taskq.fuzz.maxSeconds", DEFAULT_MAX_SECONDS)).toNanos();
    System.out.println("schema fuzz: seed " + seed + " (replay with -Dtaskq.fuzz.seed=" + seed + "), " + budget + " requests");
    long started = System.nanoTime();

    FuzzClient.checkSentVerbatim(server.vertx());
    OpenApiDocument document = OpenApiDocument.load(Path.of("openapi/taskq.yaml"));
    SchemaVerdict verdict = new SchemaVerdict(document);
    SchemaInputs inputs = new SchemaInputs(document, verdict);
    FuzzClient client = new FuzzClient(server.vertx(), server.port());
    FuzzFixture fixture = new FuzzFixture(client, TestServer.ADMIN_KEY, Long.toHexString(seed & 0xffffffffL));
    fixture.setUp();
    RowCounts counts = new RowCounts(server.sql());
    FuzzPlan plan = new FuzzPlan(document, verdict, inputs, fixture);
    Random rng = new Random(seed);

    Map<String, Operation> operations = new LinkedHashMap<>();
    Map<String, Object> templates = new HashMap<>();
    Map<String, List<SchemaInputs.Node>> nodes = new HashMap<>();
    Map<String, List<FuzzPlan.Spec>> specs = new LinkedHashMap<>();
    Set<String> pathsSeen = new java.util.HashSet<>();
    for (Operation op : document.operations()) {
      Object template = plan.template(op, rng);
      operations.put(op.id(), op);
      templates.put(op.id(), template);
      nodes.put(op.id(), template == null ? List.of() : inputs.nodes(op.bodySchema(), template));
      specs.put(op.id(), plan.specs(op, template, rng, pathsSeen.add(op.path())));
    }
    List<FuzzPlan.Spec> order = schedule(specs, budget);
    System.out.println("schema fuzz: " + operations.size() + " operations, " + specs.values().stream().mapToInt(List::size).sum()
        + " distinct cases planned, " + order.size() + " to send; tables counted: " + counts.tables());

    FuzzFindings findings = new FuzzFindings(seed);
    Map<String, int[]> perOperation = new TreeMap<>(); // sent, valid sent, valid 2xx, 4xx, 2xx
    Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
    Map<String, Long> baseline = counts.read();
    int fixtureRequests = fixture.requests();
    int sent = 0;
    // Where a slow run spent its time, printed with the summary.
    PriorityQueue<Slow> slowest = new PriorityQueue<>(Comparator.comparingLong(Slow::millis));
    for (FuzzPlan.Spec spec : order) {
      if (System.nanoTime() > deadline) {
        System.out.println("schema fuzz: time is up after " + sent + " requests (taskq.fuzz.maxSeconds)");
        break;
      }
      Operation op = operations.get(spec.operation());
      FuzzCase c = make(spec, op, fixture, verdict, inputs, templates.get(op.id()), nodes.get(op.id()), rng);
      if (fixture.requests() != fixtureRequests) {
        baseline = counts.read();
        fixtureRequests = fixture.requests();
      }
      Map<String, String> headers = new LinkedHashMap<>();
      String key = c.headers().getOrDefault("Authorization", "Bearer " + TestServer.ADMIN_KEY);
      if (!FuzzPlan.NO_KEY.equals(key)) {
        headers.put("Authorization", key);
      }
      c.headers().forEach((k, v) -> {
        if (!k.equals("Authorization")) {
          headers.put(k, v);
        }
      });
      FuzzClient.Answer answer;
      long sentAt = System.nanoTime();
      try {
        answer = client.send(c.method(), c.uri(), headers, c.body());
        slowest.add(new Slow((System.nanoTime() - sentAt) / 1_000_000, c.method() + " " + c.uri().substring(0, Math.min(c.uri().length(), 120)) + " (" + c.label() + ")"));
        if (slowest.size() > SLOWEST_SHOWN) {
          slowest.poll();
        }
      } catch (RuntimeException e) {
        findings.add("no answer", c, 0, "error: " + e);
        baseline = counts.read();
        continue;
      }
      sent++;
      int[] stats = perOperation.computeIfAbsent(op.id(), k -> new int[5]);
      stats[0]++;
      statuses.computeIfAbsent(op.id(), k -> new TreeMap<>()).merge(answer.status(), 1, Integer::sum);
      if (c.expect() == Expect.VALID) {
        stats[1]++;
        if (answer.status() / 100 == 2) {
          stats[2]++;
        }
      }
      if (answer.status() / 100 == 4) {
        stats[3]++;
        Map<String, Long> after = counts.read();
        List<String> changed = RowCounts.changed(baseline, after,
            c.hasIdempotencyKey() ? Set.of(RowCounts.IDEMPOTENCY_TABLE) : Set.of());
        if (!changed.isEmpty()) {
          findings.add("rejected but wrote rows", c, answer.status(), "rows: " + changed + "; answer: " + excerpt(answer));
        }
        baseline = after;
      } else {
        if (answer.status() / 100 == 2) {
          stats[4]++;
          if (answer.body().length > 0 && type(answer).contains("json")) {
            try {
              fixture.observe(op.id(), io.vertx.core.json.Json.decodeValue(answer.text()));
            } catch (RuntimeException e) {
              // not JSON: nothing to learn
            }
          }
        }
        if (!(answer.status() / 100 == 2 && (c.method().equals("GET") || c.method().equals("HEAD")))) {
          baseline = counts.read(); // a read that passed writes nothing: the baseline still holds
        }
      }
      check(c, answer, findings);
    }
    client.close();

    double seconds = (System.nanoTime() - started) / 1e9;
    StringBuilder summary = new StringBuilder(String.format(Locale.ROOT,
        "schema fuzz: %d requests (+%d fixture) in %.1f s, seed %d%n  operation: sent, valid sent / valid answered 2xx, 4xx, statuses%n",
        sent, fixture.requests(), seconds, seed));
    perOperation.forEach((op, s) -> summary.append(String.format(Locale.ROOT, "  %-20s %5d  valid %4d / 2xx %4d  4xx %5d  %s%n",
        op, s[0], s[1], s[2], s[3], statuses.get(op))));
    summary.append("  slowest answers:");
    slowest.stream().sorted(Comparator.comparingLong(Slow::millis).reversed())
        .forEach(slow -> summary.append(String.format(Locale.ROOT, " %d ms %s;", slow.millis(), slow.request())));
    System.out.println(summary);
    if (!findings.isEmpty()) {
      System.out.println(findings.report());
    }
    assertTrue(sent > 0, "the fuzz sent nothing");
    assertTrue(findings.isEmpty(), () -> findings.report());
  }

  private record Slow(long millis, String request) {
  }

  /** The cases to send: each operation's share of the budget (operations with fewer cases leave theirs to the others), interleaved. */
  private static List<FuzzPlan.Spec> schedule(Map<String, List<FuzzPlan.Spec>> specs, int budget) {
    Map<String, Integer> share = new HashMap<>();
    List<Map.Entry<String, List<FuzzPlan.Spec>>> bySize = new ArrayList<>(specs.entrySet());
    bySize.sort(Comparator.comparingInt(e -> e.getValue().size()));
    int left = budget;
    for (int i = 0; i < bySize.size(); i++) {
      int fair = left / (bySize.size() - i);
      int take = Math.min(fair, bySize.get(i).getValue().size());
      share.put(bySize.get(i).getKey(), take);
      left -= take;
    }
    // A budget beyond every distinct case sends the lists again: valid bodies and values are drawn afresh each time.
    while (left > 0) {
      boolean grew = false;
      for (Map.Entry<String, List<FuzzPlan.Spec>> e : specs.entrySet()) {
        if (left > 0 && !e.getValue().isEmpty()) {
          share.merge(e.getKey(), 1, Integer::sum);
          left--;
          grew = true;
        }
      }
      if (!grew) {
        break;
      }
    }
    List<FuzzPlan.Spec> order = new ArrayList<>();
    int round = 0;
    boolean more = true;
    while (more) {
      more = false;
      for (Map.Entry<String, List<FuzzPlan.Spec>> e : specs.entrySet()) {
        List<FuzzPlan.Spec> list = e.getValue();
        if (round < share.get(e.getKey())) {
          order.add(list.get(round % list.size()));
          more = true;
        }
      }
      round++;
    }
    return order;
  }

  private static FuzzCase make(FuzzPlan.Spec spec, Operation op, FuzzFixture fixture, SchemaVerdict verdict, SchemaInputs inputs,
      Object template,
      List<SchemaInputs.Node> nodes, Random rng) {
    boolean hasProject = op.pathParameters().stream().anyMatch(p -> p.name().equals("projectId"));
    boolean hasTask = op.pathParameters().stream().anyMatch(p -> p.name().equals("taskId"));
    boolean needsLeases = hasTask || nodes.stream().anyMatch(n -> n.name().equals("lease_id"));
    FuzzFixture.FixtureProject project = hasProject || needsLeases ? fixture.project(op.id(), needsLeases) : null;
    FuzzFixture.FixtureTask task = hasTask ? fixture.task(project, rng) : null;
    Map<String, String> ids = new LinkedHashMap<>();
    String path = op.path();
    for (OpenApiDocument.Parameter p : op.pathParameters()) {
      String id = fixture.pathId(p.name(), project, task);
      ids.put(p.name(), id);
      path = path.replace("{" + p.name() + "}", id);
    }
    SchemaInputs.Hints hints = fixture.hints(project, task, rng);
    Object base = template == null ? null : SchemaInputs.copy(template);
    for (SchemaInputs.Node node : nodes) {
      if (node.path().isEmpty()) {
        continue;
      }
      Map<String, Object> schema = node.schema();
      if (SchemaInputs.at(base, node.path()) instanceof String && schema.get("format") == null && schema.get("enum") == null
          && schema.get("const") == null) {
        // Fresh names and ids each time, so that a request is not answered as a replay of an earlier one.
        Object fresh = inputs.valid(schema, null, false, rng);
        if (fresh instanceof String) {
          base = SchemaInputs.with(base, node.path(), fresh);
        }
      }
      int slot = 0;
      for (Object token : node.path()) {
        if (token instanceof Integer i) {
          slot = i;
        }
      }
      Object hint = hints.value(node.name(), slot);
      if (hint != null && SchemaInputs.at(base, node.path()) != null && verdict.valid(node.schema(), hint)) {
        base = SchemaInputs.with(base, node.path(), hint);
      }
    }
    FuzzCase c = spec.maker().make(new FuzzPlan.Context(op, path, base, hints, rng, ids));
    if (hints.note() != null && c.body() != null) {
      return new FuzzCase(c.operation(), c.inputClass(), c.label() + "; " + hints.note(), c.method(), c.uri(), c.headers(), c.body(),
          c.expect(), c.allowed());
    }
    return c;
  }

  /** The promises every answer keeps, and what this case's expectation adds. */
  private static void check(FuzzCase c, FuzzClient.Answer answer, FuzzFindings findings) {
    int status = answer.status();
    if (status >= 500) {
      // A 5xx with a type the fuzz registered may be that type's fault (a schema that registers
      // but breaks), not this input's: its own group, so that its example shows the type.
      FuzzCase grouped = c.label().contains(FuzzFixture.REGISTERED_BY_THE_FUZZ) ? new FuzzCase(c.operation(),
          c.inputClass() + ", with a type the fuzz registered", c.label(), c.method(), c.uri(), c.headers(), c.body(), c.expect(),
          c.allowed()) : c;
      findings.add("5xx", grouped, status, "answer: " + excerpt(answer));
    }
    boolean head = c.method().equals("HEAD");
    if (status >= 400 && status < 500 && !head) {
      String type = answer.contentType() == null ? null : answer.contentType().split(";")[0].trim();
      Integer inBody = null;
      try {
        inBody = new JsonObject(answer.text()).getInteger("status");
      } catch (RuntimeException e) {
        // not a JSON object: reported below
      }
      if (!"application/problem+json".equals(type) || inBody == null || inBody != status) {
        findings.add("4xx not a problem document with its status", c, status, "content type " + answer.contentType()
            + "; answer: " + excerpt(answer));
      }
    }
    if (status == 405 && answer.headers().get("Allow") == null) {
      findings.add("405 without Allow", c, status, "answer: " + excerpt(answer));
    }
    String type = answer.contentType() == null ? "" : answer.contentType();
    if (status >= 400 || type.contains("json")) {
      // A new key's secret is random base64url: now and then it spells a marker ("...Ipg_t..."), which leaks nothing.
      String text = answer.text().replaceAll("\"secret\":\"[A-Za-z0-9_-]*\"", "\"secret\":\"\"");
      String request = null;
      for (String marker : INTERNALS) {
        if (!text.contains(marker)) {
          continue;
        }
        if (request == null) {
          request = (c.uri() + " " + (c.body() == null ? "" : new String(c.body(), StandardCharsets.UTF_8))).toLowerCase(Locale.ROOT);
        }
        if (!request.contains(marker.toLowerCase(Locale.ROOT))) {
          findings.add("internals in the body", c, status, "'" + marker + "' in answer: " + excerpt(answer));
          break;
        }
      }
    }
    switch (c.expect()) {
      case REJECT -> {
        if (status < 400 && !refusesAnItem(answer)) {
          findings.add("invalid input accepted", c, status, "answer: " + excerpt(answer));
        } else if (status == 409 && READABLE_CLASSES.contains(c.inputClass())) {
          // A readable body whose member is faulty, sent for a task whose state refuses the
          // request anyway: which of the two a server reports first is its choice.
          return;
        } else if (status >= 400 && status < 500 && !c.allowed().isEmpty() && !c.allowed().contains(status)) {
          findings.add("unexpected 4xx (expected " + c.allowed() + ")", c, status, "answer: " + excerpt(answer));
        }
      }
      case REJECT_ITEM -> {
        if (status < 400 && !refusesAnItem(answer)) {
          findings.add("invalid input accepted", c, status, "answer: " + excerpt(answer));
        } else if (status >= 400 && status < 500) {
          findings.add("one item's fault failed the whole batch", c, status, "answer: " + excerpt(answer));
        }
      }
      case VALID -> {
        if (status == 400 || status == 415) {
          findings.add("valid input refused as unreadable", c, status, "answer: " + excerpt(answer));
        }
      }
      case EXACT -> {
        if (!c.allowed().contains(status) && status < 500) {
          findings.add("unexpected status (expected " + c.allowed() + ")", c, status, "answer: " + excerpt(answer));
        }
      }
      case ANY -> {
      }
    }
  }

  /** A 2xx that refuses a faulty item on its own (a batch item answered {@code invalid}) still refuses it. */
  private static boolean refusesAnItem(FuzzClient.Answer answer) {
    if (answer.status() / 100 != 2) {
      return false;
    }
    try {
      return hasInvalidItem(new JsonObject(answer.text()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean hasInvalidItem(Object node) {
    if (node instanceof JsonObject o) {
      if ("invalid".equals(o.getValue("outcome"))) {
        return true;
      }
      return o.stream().anyMatch(e -> hasInvalidItem(e.getValue()));
    }
    if (node instanceof JsonArray a) {
      return a.stream().anyMatch(SchemaFuzzTest::hasInvalidItem);
    }
    return false;
  }

  private static String type(FuzzClient.Answer answer) {
    return answer.contentType() == null ? "" : answer.contentType();
  }

  private static String excerpt(FuzzClient.Answer answer) {
    return answer.status() + " " + JsonText.excerpt(answer.body(), 300);
  }
}
