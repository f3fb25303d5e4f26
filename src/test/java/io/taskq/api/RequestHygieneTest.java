package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Contract;
import io.taskq.support.RawConnection;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Operation;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * What reaches the server before any field is read: the Content-Type of a body, the bytes of the
 * request target and of headers used as data, the query's parameter names, the spelling of ids,
 * and names that say nothing. Hostile requests go over a raw socket, exactly as written.
 */
class RequestHygieneTest extends ServerTest {

  private RawConnection.OneShot raw() {
    return new RawConnection.OneShot(server.port(), TestServer.ADMIN_KEY);
  }

  // Finding 7: a body is JSON or it is refused.

  @Test
  void aMultipartPauseIs415AndPausesNothing() {
    long project = newProject();
    String boundary = "XyZ";
    String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nsome-type\r\n--"
        + boundary + "--\r\n";
    JsonObject problem = raw().post("/projects/" + project + "/queue:pause", "multipart/form-data; boundary=" + boundary,
        multipart).problem(415);
    assertTrue(problem.getString("detail").contains("Content-Type"), problem.encode());
    assertEquals(0L, count("SELECT count(*) FROM queue_pauses WHERE project_id = $1", project));
  }

  @Test
  void bodiesThatAreNotJsonAre415AndCreateNothing() {
    long project = newProject();
    String type = newType();
    String json = new JsonObject().put("type", type).encode();
    String path = "/projects/" + project + "/tasks";
    for (String contentType : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/xml",
        "text/json", "application/jsonx", "application/json; charset=iso-8859-1", "application/json; charset=utf-16",
        "application/json; charset", "json", "application/json, text/plain"}) {
      JsonObject problem = raw().post(path, contentType, json).problem(415);
      assertTrue(problem.getString("detail").contains("application/json"), contentType + ": " + problem.encode());
    }
    raw().post(path, null, json).problem(415);
    raw().post(path, "application/x-www-form-urlencoded", "type=" + type).problem(415);
    raw().post(path, "application/xml", "<task><type>" + type + "</type></task>").problem(415);
    assertEquals(0L, count("SELECT count(*) FROM tasks WHERE project_id = $1", project));
  }

  @Test
  void jsonMediaTypesWithParametersAreAccepted() {
    long project = newProject();
    String type = newType();
    String path = "/projects/" + project + "/tasks";
    int n = 0;
    for (String contentType : new String[] {"application/json", "application/json; charset=utf-8",
        "Application/JSON;charset=\"UTF-8\"", "application/vnd.taskq.task+json", "application/merge-patch+json ; q=1"}) {
      raw().post(path, contentType, new JsonObject().put("type", type).put("external_id", "ct-" + n++).encode()).expect(201);
    }
    assertEquals(5L, count("SELECT count(*) FROM tasks WHERE project_id = $1", project));
  }

  @Test
  void aPostWithoutBodyNeedsNoContentType() {
    long project = newProject();
    raw().post("/projects/" + project + "/queue:pause", null, (byte[]) null).expect(200);
    assertTrue(admin.get("/projects/" + project + "/queue").expect(200).json().getBoolean("paused"));
    raw().post("/projects/" + project + "/queue:resume", null, new byte[0]).expect(200);
    assertFalse(admin.get("/projects/" + project + "/queue").expect(200).json().getBoolean("paused"));
  }

  // Finding 9: invalid UTF-8 and malformed percent-encoding outside the body.

  @Test
  void invalidUtf8InTheQueryIs400NamingTheParameter() {
    long project = newProject();
    for (String bad : new String[] {"%C0%AF", "%ED%A0%80", "%FF", "a%E2%82", "%F4%90%80%80"}) {
      JsonObject problem = raw().get("/projects/" + project + "/tasks?type=" + bad).problem(400);
      assertTrue(problem.getString("detail").contains("type"), bad + ": " + problem.encode());
      assertTrue(problem.getString("detail").contains("UTF-8"), bad + ": " + problem.encode());
    }
    raw().get("/projects/" + project + "/tasks?%C0%AF=1").problem(400);
  }

  @Test
  void validUtf8FiltersStillMatch() {
    long project = newProject();
    createTask(project, new JsonObject().put("type", newType()).put("external_id", "\u00e9 \ud83d\ude00+1"));
    String list = "/projects/" + project + "/tasks?external_id=";
    assertEquals(1, raw().get(list + "%C3%A9+%F0%9F%98%80%2B1").expect(200).json().getJsonArray("items").size());
    // Raw bytes in the request line arrive as ISO-8859-1 chars; as UTF-8 they are the same text.
    assertEquals(1, raw().get(list + "\u00c3\u00a9%20\u00f0\u009f\u0098\u0080%2B1").expect(200).json()
        .getJsonArray("items").size());
  }

  @Test
  void invalidUtf8InThePathIs400() {
    long project = newProject();
    long task = createTask(project, newType()).getLong("id");
    for (String bad : new String[] {"%C0%AF", "%ED%A0%80", "%FF"}) {
      JsonObject problem = raw().post("/projects/" + project + "/tasks/" + task + bad + ":cancel", null, (byte[]) null)
          .problem(400);
      assertTrue(problem.getString("detail").contains("UTF-8"), problem.encode());
      raw().get("/projects/" + bad).problem(400);
    }
    assertEquals("pending", admin.get("/projects/" + project + "/tasks/" + task).expect(200).json().getString("status"));
  }

  @Test
  void malformedPercentEncodingIs400Problem() {
    long project = newProject();
    for (String target : new String[] {"/projects/" + project + "/tasks?type=%zz", "/projects/" + project + "/tasks?type=%4",
        "/projects/" + project + "/tasks?type=a%", "/projects/%zz", "/projects/" + project + "%4/tasks"}) {
      JsonObject problem = raw().get(target).problem(400);
      assertTrue(problem.getString("detail").contains("percent"), target + ": " + problem.encode());
    }
  }

  @Test
  void invalidUtf8InHeadersUsedAsDataIs400AndStoresNothing() {
    long project = newProject();
    String type = newType();
    byte[] body = new JsonObject().put("type", type).encode().getBytes(StandardCharsets.UTF_8);
    String path = "/projects/" + project + "/tasks";
    // Header values go out as ISO-8859-1: these chars are the raw bytes C0 AF, ED A0 80 and FF.
    for (String bad : new String[] {"k\u00c0\u00af", "\u00ed\u00a0\u0080", "\u00ff"}) {
      JsonObject problem = raw().send("POST", path, Map.of("Content-Type", "application/json", "Idempotency-Key", bad), body)
          .problem(400);
      assertTrue(problem.getString("detail").contains("Idempotency-Key"), problem.encode());
      problem = new RawConnection.OneShot(server.port(), TestServer.ADMIN_KEY + bad)
          .send("POST", path, Map.of("Content-Type", "application/json"), body).problem(400);
      assertTrue(problem.getString("detail").contains("Authorization"), problem.encode());
    }
    assertEquals(0L, count("SELECT count(*) FROM tasks WHERE project_id = $1", project));
    assertEquals(0L, count("SELECT count(*) FROM idempotency_records"));
  }

  // Finding 12: query parameters are declared, exact, given once, and hold text.

  @Test
  void nulInListingFiltersIs400WithOurOwnMessage() {
    long project = newProject();
    for (String name : new String[] {"type", "external_id", "worker_id"}) {
      JsonObject problem = raw().get("/projects/" + project + "/tasks?" + name + "=a%00b").problem(400);
      String detail = problem.getString("detail");
      assertTrue(detail.contains(name) && detail.contains("NUL"), detail);
      assertFalse(detail.contains("UTF8") || detail.contains("byte sequence"), detail);
    }
  }

  @Test
  void unknownParametersAre400NamingThem() {
    long project = newProject();
    long task = createTask(project, newType()).getLong("id");
    for (String name : new String[] {"search", "offset", "sort", "page", "status[]", "anything"}) {
      JsonObject problem = raw().get("/projects/" + project + "/tasks?" + name + "=1").problem(400);
      assertTrue(problem.getString("detail").contains(name), problem.encode());
    }
    assertTrue(raw().get("/projects/" + project + "/tasks/" + task + "/logs?status=pending").problem(400)
        .getString("detail").contains("status"));
    assertTrue(raw().get("/projects/" + project + "/queue?verbose=1").problem(400).getString("detail").contains("verbose"));
    // A parameter on an action is refused before the action runs.
    raw().post("/projects/" + project + "/queue:pause?type=x", null, (byte[]) null).problem(400);
    raw().post("/projects/" + project + "/tasks/" + task + ":cancel?force=true", null, (byte[]) null).problem(400);
    assertEquals(0L, count("SELECT count(*) FROM queue_pauses WHERE project_id = $1", project));
    assertEquals("pending", admin.get("/projects/" + project + "/tasks/" + task).expect(200).json().getString("status"));
  }

  @Test
  void everyDocumentedOperationRefusesAnUndeclaredParameter() {
    for (Operation op : Contract.get().openApi().operations()) {
      String path = op.getOpenAPIPath().replace("}/:", "}:").replaceAll("\\{[^}]+}", "1");
      RawConnection.Response response = raw().send(op.getHttpMethod().name(), path + "?no_such_parameter=1", Map.of(), null);
      String detail = response.problem(400).getString("detail");
      assertTrue(detail.contains("no_such_parameter"), op.getOperationId() + ": " + detail);
    }
  }

  @Test
  void parameterNamesAreExactAndGivenOnce() {
    long project = newProject();
    String type = newType();
    createTask(project, type);
    createTask(project, type);
    for (String query : new String[] {"LIMIT=1", "Limit=1", "Type=" + type, "limit=1&limit=1", "limit=1&LIMIT=1",
        "type=" + type + "&type=" + type}) {
      JsonObject problem = raw().get("/projects/" + project + "/tasks?" + query).problem(400);
      String name = query.substring(0, query.indexOf('='));
      assertTrue(problem.getString("detail").contains(name), query + ": " + problem.encode());
    }
    assertEquals(1, admin.get("/projects/" + project + "/tasks?limit=1&type=" + type + "&status=pending")
        .expect(200).items().size());
  }

  // Finding 15: ids are canonical ASCII decimal.

  @Test
  void idsInOtherDigitsAre404AndChangeNothing() {
    long project = newProject();
    long task = createTask(project, newType()).getLong("id");
    for (char zero : new char[] {'\uff10', '\u0660', '\u06f0', '\u0966'}) {
      String projectId = digits(project, zero);
      String taskId = digits(task, zero);
      raw().get("/projects/" + projectId).problem(404);
      raw().get("/projects/" + projectId + "/tasks/" + task).problem(404);
      raw().post("/projects/" + project + "/tasks/" + taskId + ":cancel", null, (byte[]) null).problem(404);
    }
    assertEquals("pending", admin.get("/projects/" + project + "/tasks/" + task).expect(200).json().getString("status"));
  }

  @Test
  void nonCanonicalAsciiIdsAre404() {
    long project = newProject();
    long task = createTask(project, newType()).getLong("id");
    List<LongFunction<String>> spellings = List.of(id -> "+" + id, id -> "%2B" + id, id -> "0" + id,
        id -> "0000000000" + id, id -> id + "%20", id -> "%20" + id, id -> id + ".0", id -> "0x" + Long.toHexString(id));
    for (LongFunction<String> spelling : spellings) {
      raw().get("/projects/" + spelling.apply(project)).problem(404);
      raw().get("/projects/" + project + "/tasks/" + spelling.apply(task)).problem(404);
    }
    for (String impossible : new String[] {"0", "-0", "-1", "9223372036854775808", "99999999999999999999"}) {
      raw().get("/projects/" + impossible).problem(404);
      raw().get("/projects/" + project + "/tasks/" + impossible).problem(404);
    }
    raw().post("/projects/" + project + "/tasks/0" + task + ":cancel", null, (byte[]) null).problem(404);
    assertEquals("pending", admin.get("/projects/" + project + "/tasks/" + task).expect(200).json().getString("status"));
    raw().get("/projects/9223372036854775807").problem(404);
  }

  @Test
  void listingCursorsAndLimitsAreCanonical() {
    long project = newProject();
    long task = createTask(project, newType()).getLong("id");
    String list = "/projects/" + project + "/tasks?";
    for (String query : new String[] {"after=01", "after=%2B1", "after=" + digits(1, '\uff10'), "after=-1",
        "after=9223372036854775808", "limit=05", "limit=%2B5", "limit=" + digits(5, '\u0660'), "limit=5.0"}) {
      JsonObject problem = raw().get(list + query).problem(400);
      String name = query.substring(0, query.indexOf('='));
      assertTrue(problem.getString("detail").contains(name), query + ": " + problem.encode());
    }
    raw().get("/projects/" + project + "/tasks/" + task + "/logs?after=00").problem(400);
    assertEquals(1, admin.get(list + "after=0&limit=5").expect(200).items().size());
    admin.get("/projects/" + project + "/tasks/" + task + "/logs?after=0&limit=1").expect(200);
  }

  @Test
  void apiKeyIdsMustBeWholeUuids() {
    JsonObject issued = admin.post("/api-keys", new JsonObject().put("name", "victim")
        .put("permissions", new io.vertx.core.json.JsonArray().add("tasks:read"))).expect(201).json();
    String id = issued.getString("id");
    int digit = firstDigit(id);
    String fullwidth = id.substring(0, digit) + (char) ('\uff10' + (id.charAt(digit) - '0')) + id.substring(digit + 1);
    raw().send("DELETE", "/api-keys/" + enc(fullwidth), Map.of(), null).problem(404);
    raw().send("DELETE", "/api-keys/" + id.replaceFirst("^[0-9a-f]", "+"), Map.of(), null).problem(404);
    UUID parsed = UUID.fromString(id);
    raw().send("DELETE", "/api-keys/" + Long.toHexString(parsed.getMostSignificantBits() >>> 32) + "-0-0-0-0", Map.of(), null)
        .problem(404);
    new RawConnection.OneShot(server.port(), issued.getString("secret")).get("/projects").expect(200);
    // Any case of a whole UUID still names the key.
    raw().send("DELETE", "/api-keys/" + id.toUpperCase(java.util.Locale.ROOT), Map.of(), null).expect(204);
  }

  // Finding 16: names that say nothing, and a pause of a type nobody registered.

  @Test
  void aPauseOfABlankUnknownOrWildcardTypeIs422AndPausesNothing() {
    long project = newProject();
    for (String type : new String[] {"", " ", "\t", "%", "*", "no-such-type-" + UUID.randomUUID(), "a b", "\u00a0"}) {
      for (String action : new String[] {"pause", "resume"}) {
        JsonObject problem = admin.post("/projects/" + project + "/queue:" + action, new JsonObject().put("type", type))
            .problem(422);
        assertEquals("/type", problem.getJsonArray("errors").getJsonObject(0).getString("pointer"), problem.encode());
      }
    }
    assertEquals(0L, count("SELECT count(*) FROM queue_pauses WHERE project_id = $1", project));
    assertFalse(admin.get("/projects/" + project + "/queue").expect(200).json().getBoolean("paused"));
  }

  @Test
  void aWildcardResumeLeavesAPausedProjectPaused() {
    long project = newProject();
    admin.post("/projects/" + project + "/queue:pause", null).expect(200);
    admin.post("/projects/" + project + "/queue:resume", new JsonObject().put("type", "*")).problem(422);
    assertTrue(admin.get("/projects/" + project + "/queue").expect(200).json().getBoolean("paused"));
  }

  @Test
  void aPauseOfARegisteredTypeHoldsThatTypeOnly() {
    long project = newProject();
    String type = newType();
    JsonObject state = admin.post("/projects/" + project + "/queue:pause", new JsonObject().put("type", type)).expect(200).json();
    assertFalse(state.getBoolean("paused"));
    assertEquals(type, state.getJsonArray("paused_types").getString(0));
    state = admin.post("/projects/" + project + "/queue:resume", new JsonObject().put("type", type)).expect(200).json();
    assertTrue(state.getJsonArray("paused_types").isEmpty());
  }

  @Test
  void blankNamesAre422() {
    long projects = count("SELECT count(*) FROM projects");
    long keys = count("SELECT count(*) FROM api_keys");
    for (String blank : new String[] {" ", "   ", "\t\n", "\u00a0", "\u2003"}) {
      assertPointer(admin.post("/projects", new JsonObject().put("name", blank)).problem(422), "/name");
      assertPointer(admin.post("/api-keys", new JsonObject().put("name", blank)
          .put("permissions", new io.vertx.core.json.JsonArray().add("tasks:read"))).problem(422), "/name");
      assertPointer(admin.post("/projects/1/tasks:claim", new JsonObject().put("worker_id", blank)).problem(422), "/worker_id");
      assertPointer(admin.post("/projects/1/tasks:claim", new JsonObject().put("worker_id", "w")
          .put("types", new io.vertx.core.json.JsonArray().add(blank))).problem(422), "/types/0");
      assertPointer(admin.post("/projects/1/tasks:cancel", new JsonObject().put("type", blank)).problem(422), "/type");
    }
    assertEquals(projects, count("SELECT count(*) FROM projects"));
    assertEquals(keys, count("SELECT count(*) FROM api_keys"));
  }

  private static void assertPointer(JsonObject problem, String pointer) {
    assertEquals(pointer, problem.getJsonArray("errors").getJsonObject(0).getString("pointer"), problem.encode());
  }

  /** The id written in the decimal digits that start at {@code zero}, percent-encoded as UTF-8. */
  private static String digits(long id, char zero) {
    StringBuilder out = new StringBuilder();
    for (char c : Long.toString(id).toCharArray()) {
      out.append((char) (zero + (c - '0')));
    }
    return zero == '0' ? out.toString() : enc(out.toString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static int firstDigit(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isDigit(s.charAt(i))) {
        return i;
      }
    }
    throw new AssertionError("no digit in " + s);
  }

  private long count(String query, Object... args) {
    return sql(query, args).iterator().next().getLong(0);
  }
}
