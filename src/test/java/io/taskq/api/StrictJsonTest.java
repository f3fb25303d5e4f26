package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are read as strict JSON in UTF-8 on every route, and what is stored from them
 * (params, result, run_at, integer fields) is what the client sent, or a specific 4xx that names
 * the place; nothing is written on a refusal.
 */
class StrictJsonTest extends ServerTest {

  private static final String[] OUT_OF_RANGE = {"1e400", "-1e400", "1e19", "9223372036854775808", "-9223372036854775809", "1.5",
      "1e9999999999", "-1e9999999999", "1e-9999999999", "1e2147483647"};

  private long tasksIn(long project) {
    return sql("SELECT count(*) FROM tasks WHERE project_id = $1", project).iterator().next().getLong(0);
  }

  private long rows(String table) {
    return sql("SELECT count(*) FROM " + table).iterator().next().getLong(0);
  }

  private Api.Response raw(String path, byte[] body) {
    return admin.send(HttpMethod.POST, path, Buffer.buffer(body), "application/json").await();
  }

  private Api.Response raw(String path, String body) {
    return raw(path, body.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] withBytes(String before, int[] middle, String after) {
    Buffer b = Buffer.buffer(before);
    for (int m : middle) {
      b.appendByte((byte) m);
    }
    return b.appendString(after).getBytes();
  }

  private static void assertNames(JsonObject problem, String pointer) {
    JsonArray errors = problem.getJsonArray("errors");
    assertTrue(errors != null && errors.stream().anyMatch(e -> pointer.equals(((JsonObject) e).getString("pointer"))),
        pointer + " in " + problem.encode());
  }

  /** A claimed task of a fresh type: {id, lease_id}. */
  private JsonObject claimedTask(long project) {
    String type = newType();
    createTask(project, type);
    JsonObject task = claim(project, "w", 1).getJsonObject(0);
    return new JsonObject().put("id", task.getLong("id")).put("lease_id", task.getString("lease_id"));
  }

  @Test
  void hugeNonFiniteAndFractionalNumbersInIntegerFieldsAre422NamingTheField() {
    long project = newProject();
    String type = newType();
    JsonObject lease = claimedTask(project);
    long taskId = lease.getLong("id");
    String leaseId = lease.getString("lease_id");
    long tasksBefore = tasksIn(project);
    long typesBefore = rows("task_types");
    long keysBefore = rows("api_keys");
    String p = "/projects/" + project;
    for (String n : OUT_OF_RANGE) {
      Map<String, String> cases = new java.util.LinkedHashMap<>();
      cases.put("/priority", p + "/tasks|{\"type\":\"" + type + "\",\"priority\":" + n + "}");
      cases.put("/type_version", p + "/tasks|{\"type\":\"" + type + "\",\"type_version\":" + n + "}");
      cases.put("/max_attempts", p + "/tasks|{\"type\":\"" + type + "\",\"max_attempts\":" + n + "}");
      cases.put("/tasks/1/priority", p + "/tasks:bulk|{\"tasks\":[{\"type\":\"" + type + "\"},{\"type\":\"" + type + "\",\"priority\":" + n + "}]}");
      cases.put("/version", "/task-types|{\"name\":\"t-" + System.nanoTime() + "\",\"version\":" + n + ",\"param_schema\":{}}");
      cases.put("/lease_seconds", "/task-types|{\"name\":\"t-" + System.nanoTime() + "\",\"version\":1,\"lease_seconds\":" + n + ",\"param_schema\":{}}");
      cases.put("/max_concurrency", "/task-types|{\"name\":\"t-" + System.nanoTime() + "\",\"version\":1,\"max_concurrency\":" + n + ",\"param_schema\":{}}");
      cases.put("/limit", p + "/tasks:claim|{\"worker_id\":\"w\",\"limit\":" + n + "}");
      cases.put("/wait_ms", p + "/tasks:claim|{\"worker_id\":\"w\",\"wait_ms\":" + n + "}");
      cases.put("/lease_seconds ", p + "/tasks/" + taskId + ":heartbeat|{\"lease_id\":\"" + leaseId + "\",\"lease_seconds\":" + n + "}");
      cases.put("/project_id", "/api-keys|{\"name\":\"k\",\"permissions\":[\"tasks:read\"],\"project_id\":" + n + "}");
      cases.put("/rate_limit_per_minute", "/api-keys|{\"name\":\"k\",\"permissions\":[\"tasks:read\"],\"rate_limit_per_minute\":" + n + "}");
      cases.forEach((pointer, request) -> {
        String[] parts = request.split("\\|", 2);
        Api.Response response = raw(parts[0], parts[1]);
        String what = n + " at " + pointer + " -> " + response.body();
        assertEquals(422, response.status(), what);
        assertNames(response.problem(422), pointer.trim());
      });
      // batch items are answered each in its slot: the unreadable id is an invalid item, named
      JsonObject item = raw(p + "/tasks:complete", "{\"completions\":[{\"id\":" + n + ",\"lease_id\":\"" + leaseId
          + "\"}]}").expect(200).json().getJsonArray("results").getJsonObject(0);
      assertEquals("invalid", item.getString("outcome"), n + " -> " + item);
      assertNames(item.getJsonObject("problem"), "/completions/0/id");
    }
    // ids of batch items beyond int64 are refused, not clamped onto task 9223372036854775807
    JsonObject failure = raw(p + "/tasks:fail", "{\"failures\":[{\"id\":18446744073709551616,\"lease_id\":\"" + leaseId
        + "\",\"error\":\"e\"}]}").expect(200).json().getJsonArray("results").getJsonObject(0);
    assertEquals("invalid", failure.getString("outcome"), failure.encode());
    assertNames(failure.getJsonObject("problem"), "/failures/0/id");
    // "dedupe": true hashes params: a number that cannot be kept is refused before that, not a 500
    JsonObject dedupe = raw(p + "/tasks", "{\"type\":\"" + type + "\",\"dedupe\":true,\"params\":{\"x\":1e400}}").problem(422);
    assertNames(dedupe, "/params/x");
    assertEquals(tasksBefore, tasksIn(project));
    assertEquals(typesBefore, rows("task_types"));
    assertEquals(keysBefore, rows("api_keys"));
    assertEquals("claimed", admin.get(p + "/tasks/" + taskId).expect(200).json().getString("status"));
  }

  @Test
  void runAtOutsideYears0001To9999Is422AndTheEdgesAreKept() {
    long project = newProject();
    String type = newType();
    String p = "/projects/" + project;
    for (String when : new String[] {"+10000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "-4713-01-01T00:00:00Z",
        "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00",
        "2026-01-01T00:00:00", "2026-01-01", "2026-01-01 00:00:00Z", "2026-02-30T00:00:00Z"}) {
      JsonObject task = new JsonObject().put("type", type).put("run_at", when);
      assertNames(admin.post(p + "/tasks", task).problem(422), "/run_at");
      assertNames(admin.post(p + "/tasks:bulk", new JsonObject().put("tasks", new JsonArray().add(new JsonObject().put("type", type))
          .add(task))).problem(422), "/tasks/1/run_at");
    }
    assertEquals(0, tasksIn(project));
    assertEquals("0001-01-01T00:00:00Z", createTask(project, new JsonObject().put("type", type).put("run_at", "0001-01-01T00:00:00Z"))
        .getString("run_at"));
    assertEquals("9999-12-31T23:59:59Z", createTask(project, new JsonObject().put("type", type).put("run_at", "9999-12-31t23:59:59z"))
        .getString("run_at"));
    assertEquals("2026-01-31T11:00:00Z", createTask(project, new JsonObject().put("type", type).put("run_at", "2026-01-31T12:00:00+01:00"))
        .getString("run_at"));
  }

  @Test
  void lenientJsonIs400OnEveryRouteAndWritesNothing() {
    long project = newProject();
    String type = newType();
    JsonObject lease = claimedTask(project);
    long before = tasksIn(project);
    long typesBefore = rows("task_types");
    String p = "/projects/" + project;
    String task = "{\"type\":\"" + type + "\"";
    String complete = p + "/tasks/" + lease.getLong("id") + ":complete";
    Map<String, String> firstFields = Map.of(p + "/tasks", "\"type\":\"" + type + "\"", p + "/tasks:claim", "\"worker_id\":\"w\"",
        complete, "\"lease_id\":\"" + lease.getString("lease_id") + "\"");
    firstFields.forEach((path, first) -> {
      String open = "{" + first;
      Map<String, String> bodies = new java.util.LinkedHashMap<>();
      bodies.put("comment", open + " /* c */}");
      bodies.put("line comment", open + "} // c");
      bodies.put("NaN", open + ",\"priority\":NaN}");
      bodies.put("Infinity", open + ",\"params\":{\"x\":Infinity}}");
      bodies.put("single quotes", open.replace('"', '\'') + "}");
      bodies.put("trailing comma", open + ",}");
      bodies.put("leading zero", open + ",\"priority\":01}");
      bodies.put("trailing data", open + "} {}");
      bodies.put("duplicate key", open + "," + first + "}");
      bodies.put("duplicate nested key", open + ",\"params\":{\"a\":{\"b\":1,\"b\":2}}}");
      bodies.forEach((name, body) -> {
        JsonObject problem = raw(path, body).problem(400);
        assertTrue(problem.getString("detail").startsWith("the body is not valid JSON"), name + ": " + problem.encode());
      });
    });
    String nested = task + ",\"params\":{\"a\":{\"b\":1,\"b\":2}}}";
    String dup = raw(p + "/tasks", nested).problem(400).getString("detail");
    assertTrue(dup.contains("duplicate key \"b\"") && dup.contains("/params/a"), dup);
    String top = raw("/task-types", "{\"name\":\"x\",\"name\":\"y\",\"version\":1,\"param_schema\":{}}").problem(400).getString("detail");
    assertTrue(top.contains("duplicate key \"name\""), top);

    String json = task + "}";
    assertTrue(raw(p + "/tasks", withBytes("", new int[] {0xEF, 0xBB, 0xBF}, json)).problem(400).getString("detail").contains("byte order mark"));
    for (Charset wide : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16,
        Charset.forName("UTF-32BE"), Charset.forName("UTF-32LE"))) {
      raw(p + "/tasks", json.getBytes(wide)).problem(400);
    }
    assertEquals(before, tasksIn(project));
    assertEquals(typesBefore, rows("task_types"));
    assertEquals("claimed", admin.get(p + "/tasks/" + lease.getLong("id")).expect(200).json().getString("status"));
  }

  @Test
  void invalidUtf8AndUnpairedSurrogatesInTheBodyAre400() {
    long project = newProject();
    String type = newType();
    JsonObject lease = claimedTask(project);
    long before = tasksIn(project);
    String p = "/projects/" + project;
    String start = "{\"type\":\"" + type + "\",\"external_id\":\"sur-";
    for (int[] bytes : new int[][] {{0xC0, 0xAF}, {0xE0, 0x80, 0xAF}, {0xED, 0xA0, 0x80}, {0xED, 0xB0, 0x80}, {0xFF}, {0xC3},
        {0xF4, 0x90, 0x80, 0x80}, {0x80}}) {
      String detail = raw(p + "/tasks", withBytes(start, bytes, "\"}")).problem(400).getString("detail");
      assertTrue(detail.contains("UTF-8"), detail);
    }
    for (String escaped : new String[] {"\\udc00", "\\udc01", "\\ud800", "\\ud800x", "\\udc00\\ud800"}) {
      String detail = raw(p + "/tasks", start + escaped + "\"}").problem(400).getString("detail");
      assertTrue(detail.contains("unpaired") && detail.contains("/external_id"), detail);
    }
    raw(p + "/tasks", "{\"type\":\"" + type + "\",\"params\":{\"\\ud800\":1}}").problem(400);
    raw(p + "/tasks", "{\"type\":\"" + type + "\",\"params\":{\"a\":[\"\\udfff\"]}}").problem(400);
    raw(p + "/tasks/" + lease.getLong("id") + ":complete", "{\"lease_id\":\"" + lease.getString("lease_id")
        + "\",\"result\":\"\\ud83d\"}").problem(400);
    assertEquals(before, tasksIn(project));
    assertEquals("claimed", admin.get(p + "/tasks/" + lease.getLong("id")).expect(200).json().getString("status"));
    // a surrogate pair is a character like any other
    JsonObject paired = admin.post(p + "/tasks", new JsonObject().put("type", type).put("external_id", "sur-\ud83d\ude00")).expect(201).json();
    assertEquals("sur-😀", paired.getString("external_id"));
  }

  @Test
  void numbersInParamsAndResultAreKeptExactlyOrRefusedByPointer() {
    long project = newProject();
    String type = newType();
    String p = "/projects/" + project;
    String numbers = "{\"tenth\":0.1,\"exp\":1E+2,\"one\":1.0,\"beyond53\":9007199254740993,\"int64\":-9223372036854775808,"
        + "\"e20\":1e20,\"small\":2.5e-3,\"neg\":-1.5,\"tiny\":4.9E-324,\"max\":1.7976931348623157e308,\"zero\":0,\"sci\":4.65612E+21,\"list\":[1.50,-0]}";
    JsonObject created = raw(p + "/tasks", "{\"type\":\"" + type + "\",\"params\":" + numbers + "}").expect(201).json();
    String got = admin.get(p + "/tasks/" + created.getLong("id")).expect(200).body().toString();
    JsonObject params = ((JsonObject) StrictJson.read(got.getBytes(StandardCharsets.UTF_8))).getJsonObject("params");
    assertKept(numbers, params);
    assertTrue(got.contains("\"exp\":100,") && got.contains("\"one\":1.0,"), got);

    JsonObject lease = claim(project, "w", 1).getJsonObject(0);
    admin.postRaw(p + "/tasks/" + lease.getLong("id") + ":complete", "{\"lease_id\":\"" + lease.getString("lease_id")
        + "\",\"result\":" + numbers + "}", "application/json").expect(200);
    String done = admin.get(p + "/tasks/" + lease.getLong("id")).expect(200).body().toString();
    assertKept(numbers, ((JsonObject) StrictJson.read(done.getBytes(StandardCharsets.UTF_8))).getJsonObject("result"));

    long before = tasksIn(project);
    for (String bad : new String[] {"1e400", "-1e400", "1e-400", "0.10000000000000001", "12345678901234567890123", "-0.0", "-0e3"}) {
      String badParams = "{\"a\":[" + bad + "]}";
      assertNames(raw(p + "/tasks", "{\"type\":\"" + type + "\",\"params\":" + badParams + "}").problem(422), "/params/a/0");
      String bulk = "{\"tasks\":[" + ("{\"type\":\"" + type + "\"},").repeat(3) + "{\"type\":\"" + type + "\",\"params\":{\"x\":" + bad + "}}]}";
      JsonObject problem = raw(p + "/tasks:bulk", bulk).problem(422);
      assertNames(problem, "/tasks/3/params/x");
      assertEquals(3, problem.getJsonArray("errors").getJsonObject(0).getInteger("index"), problem.encode());
    }
    assertEquals(before, tasksIn(project));

    JsonObject open = claimedTask(project);
    String path = p + "/tasks/" + open.getLong("id") + ":complete";
    assertNames(raw(path, "{\"lease_id\":\"" + open.getString("lease_id") + "\",\"result\":{\"x\":[1e400]}}").problem(422), "/result/x/0");
    assertNames(raw(path, "{\"lease_id\":\"" + open.getString("lease_id") + "\",\"result\":1e400}").problem(422), "/result");
    assertEquals("claimed", admin.get(p + "/tasks/" + open.getLong("id")).expect(200).json().getString("status"));
  }

  /** Every number in {@code sent} is in {@code got} with the same value (the digits may be jsonb's). */
  private static void assertKept(String sent, JsonObject got) {
    JsonObject expected = (JsonObject) StrictJson.read(sent.getBytes(StandardCharsets.UTF_8));
    assertEquals(expected.fieldNames(), got.fieldNames(), got.encode());
    for (String name : expected.fieldNames()) {
      Object want = expected.getValue(name);
      Object have = got.getValue(name);
      if (want instanceof JsonArray a) {
        for (int i = 0; i < a.size(); i++) {
          assertEquals(0, exact(a.getValue(i)).compareTo(exact(((JsonArray) have).getValue(i))), name + "/" + i + " in " + got.encode());
        }
      } else {
        assertEquals(0, exact(want).compareTo(exact(have)), name + ": sent " + want + ", got " + have);
      }
    }
  }

  private static BigDecimal exact(Object n) {
    return n instanceof BigDecimal d ? d : n instanceof BigInteger i ? new BigDecimal(i) : new BigDecimal(n.toString());
  }

  @Test
  void nulInParamsOrResultIs422NamingThePointer() {
    long project = newProject();
    String type = newType();
    String p = "/projects/" + project;
    JsonObject problem = admin.post(p + "/tasks", new JsonObject().put("type", type)
        .put("params", new JsonObject().put("a", new JsonObject().put("k\u0000", 1)).put("s", new JsonArray().add("ok").add("x\u0000y"))))
        .problem(422);
    assertNames(problem, "/params/a/k\u0000");
    assertNames(problem, "/params/s/1");
    JsonArray tasks = new JsonArray().add(new JsonObject().put("type", type)).add(new JsonObject().put("type", type))
        .add(new JsonObject().put("type", type).put("params", new JsonObject().put("x", "\u0000")));
    JsonObject bulk = admin.post(p + "/tasks:bulk", new JsonObject().put("tasks", tasks)).problem(422);
    assertNames(bulk, "/tasks/2/params/x");
    assertEquals(2, bulk.getJsonArray("errors").getJsonObject(0).getInteger("index"));
    assertEquals(0, tasksIn(project));

    JsonObject lease = claimedTask(project);
    String path = p + "/tasks/" + lease.getLong("id") + ":complete";
    assertNames(admin.post(path, new JsonObject().put("lease_id", lease.getString("lease_id")).put("result", "bad\u0000")).problem(422),
        "/result");
    assertNames(admin.post(path, new JsonObject().put("lease_id", lease.getString("lease_id"))
        .put("result", new JsonObject().put("a\u0000", true))).problem(422), "/result/a\u0000");
    // The batch answers either as a whole (422) or per item: either way the item's pointer is named and nothing completes.
    Api.Response batch = admin.post(p + "/tasks:complete", new JsonObject().put("completions", new JsonArray()
        .add(new JsonObject().put("id", lease.getLong("id")).put("lease_id", lease.getString("lease_id")).put("result", "bad\u0000"))));
    assertTrue(batch.status() == 422 || batch.status() == 200, batch.body().toString());
    assertTrue(batch.body().toString().contains("/completions/0/result"), batch.body().toString());
    assertEquals("claimed", admin.get(p + "/tasks/" + lease.getLong("id")).expect(200).json().getString("status"));

    long types = rows("task_types");
    assertNames(admin.post("/task-types", new JsonObject().put("name", "nul-schema").put("version", 1)
        .put("param_schema", new JsonObject().put("type", "object").put("description", "a\u0000"))).problem(422),
        "/param_schema/description");
    assertEquals(types, rows("task_types"));
  }

  @Test
  void problemDetailsNeverQuoteTheParser() {
    long project = newProject();
    String p = "/projects/" + project;
    List<String> bodies = List.of("{\"type\": NaN}", "{\"type\": \"t\" /* */}", "{'type': 1}", "[1,]", "{\"a\": 01}", "{\"a\" 1}",
        "{\"a\": tru}", "{\"a\": \"\\x\"}", "{\"a\": " + "9".repeat(3000) + "}", "{\"a\": 0." + "1".repeat(3000) + "}",
        "{\"a\": 1e" + "9".repeat(3000) + "}", "{\"a\": \"\u0001\"}", "{\"a\": 1}}", "]", "[".repeat(3000), "{\"a\":",
        "{\"a\": \"\\ud800\"}", "{\"a\": 1, \"a\": 2}", "{\"a\": -Infinity}");
    long before = tasksIn(project);
    for (String body : bodies) {
      for (String path : new String[] {p + "/tasks", p + "/tasks:claim", "/projects", "/api-keys"}) {
        JsonObject problem = raw(path, body).problem(400);
        String detail = problem.getString("detail");
        for (String internal : new String[] {"Stream", "JsonReadFeature", "Source:", "REDACTED", "jackson", "Jackson", "Exception",
            "ALLOW_", "Unexpected character", "line: ", "column: ", "JsonToken", "Illegal"}) {
          assertFalse(detail.contains(internal), body + " -> " + detail);
        }
        assertTrue(detail.length() < 400, detail);
      }
    }
    assertEquals(before, tasksIn(project));
  }
}
