package io.taskq.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET .../tasks?q= (full-text search) and the listing filters run_id, created_after/before, priority_min. */
class TaskSearchTest extends ServerTest {

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private long task(long project, String type, String title, String description) {
    JsonObject body = new JsonObject().put("type", type).put("title", title);
    if (description != null) {
      body.put("description", description);
    }
    return createTask(project, body).getLong("id");
  }

  private JsonObject search(long project, String query) {
    return admin.get("/projects/" + project + "/tasks?q=" + query).expect(200).json();
  }

  private static List<Long> ids(JsonObject page) {
    List<Long> ids = new ArrayList<>();
    page.getJsonArray("items").forEach(o -> ids.add(((JsonObject) o).getLong("id")));
    return ids;
  }

  @Test
  void titleMatchesRankAboveDescriptionMatchesAndWordsAreStemmed() {
    long project = newProject();
    String type = newType();
    long inDescription = task(project, type, "Send the welcome email", "resize the header image first");
    long inTitle = task(project, type, "Resize uploaded images", "thumbnails for the gallery");
    long unrelated = task(project, type, "Rotate the logs", null);
    task(newProject(), type, "Resize images of another project", null);

    JsonObject page = search(project, enc("resizing image"));
    assertEquals(List.of(inTitle, inDescription), ids(page), "title (weight A) before description (weight B); 'resizing' finds 'resize'");
    assertNull(page.getValue("next_after"), "a search never pages by id");
    assertNull(page.getValue("next"));
    assertTrue(page.containsKey("next"));

    assertEquals(List.of(unrelated), ids(search(project, enc("logs -image"))));
    assertEquals(List.of(inDescription), ids(search(project, enc("\"header image\""))));
    assertEquals(new HashSet<>(List.of(inTitle, unrelated)), new HashSet<>(ids(search(project, enc("uploaded or rotate")))));
  }

  @Test
  void stopWordsOrPunctuationOnlyMatchNothingAndAnEmptyQIsAPlainListing() {
    long project = newProject();
    String type = newType();
    long id = task(project, type, "The task of the day", null);
    assertEquals(List.of(), ids(search(project, "the")));
    assertEquals(List.of(), ids(search(project, enc("!!! ... --"))));
    JsonObject plain = admin.get("/projects/" + project + "/tasks?q=").expect(200).json();
    assertEquals(List.of(id), ids(plain));
    assertFalse(plain.containsKey("next"), "a listing without q keeps its shape");
  }

  @Test
  void pagingWithTheCursorVisitsEveryMatchOnceInRankOrder() {
    long project = newProject();
    String type = newType();
    JsonArray items = new JsonArray();
    for (int i = 0; i < 23; i++) {
      // Three rank levels, with many ties inside each, so that the id breaks ties across pages.
      String title = i % 3 == 0 ? "quarterly report" : "report " + i;
      items.add(new JsonObject().put("type", type).put("title", title)
          .put("description", i % 3 == 1 ? "the report of the report" : "numbers " + i));
    }
    items.add(new JsonObject().put("type", type).put("title", "unrelated"));
    admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", items)).expect(201);

    List<Long> whole = ids(search(project, "report&limit=100"));
    assertEquals(23, whole.size());
    List<Long> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = search(project, "report&limit=4" + (cursor == null ? "" : "&cursor=" + cursor));
      paged.addAll(ids(page));
      cursor = page.getString("next");
      pages++;
    } while (cursor != null);
    assertEquals(6, pages);
    assertEquals(whole, paged, "the pages, end to end, are the single page: no duplicate, no gap, same order");
    assertEquals(23, new HashSet<>(paged).size());
  }

  @Test
  void aCursorThatIsNotOneIsABadRequest() {
    long project = newProject();
    String type = newType();
    long first = task(project, type, "alpha one", null);
    long second = task(project, type, "alpha two", null);
    String cursor = search(project, "alpha&limit=1").getString("next");
    assertEquals(List.of(second), ids(search(project, "alpha&limit=1&cursor=" + cursor)), "the cursor itself works");
    assertEquals(List.of(first), ids(search(project, "alpha&limit=1&cursor=7fc00000.9")), "a NaN rank starts from the best match");
    String base = "/projects/" + project + "/tasks?";
    for (String query : List.of("q=alpha&cursor=nonsense", "q=alpha&cursor=" + cursor.substring(1), "q=alpha&cursor=" + cursor + "0x",
        "q=alpha&cursor=80000000.1", "q=alpha&cursor=3f800000.0", "q=alpha&cursor=3F800000.1", "q=alpha&cursor=3f800000.-1",
        "q=alpha&cursor=3f800000.99999999999999999999", "cursor=" + cursor)) {
      JsonObject problem = admin.get(base + query).problem(400);
      assertTrue(problem.getString("detail").contains("cursor"), query + ": " + problem);
    }
    assertEquals(List.of(second), ids(search(project, "alpha&after=" + first)), "after still filters by id in a search");
    assertTrue(admin.get(base + "q=" + "a".repeat(1001)).problem(400).getString("detail").contains("q"));
  }

  @Test
  void searchCombinesWithEveryFilter() {
    long project = newProject();
    String type = newType();
    String other = newType();
    long plain = task(project, type, "deploy service", null);
    long typed = task(project, other, "deploy database", null);
    JsonObject external = createTask(project, new JsonObject().put("type", type).put("title", "deploy cache").put("external_id", "ext-1"));
    long urgent = createTask(project, new JsonObject().put("type", type).put("title", "deploy urgent fix").put("priority", 7)).getLong("id");
    long child = createTask(project, new JsonObject().put("type", type).put("title", "deploy child").put("parent_id", plain)).getLong("id");
    long nonMatching = task(project, type, "unrelated work", null);
    long tagged = createTask(project, new JsonObject().put("type", type).put("title", "deploy tagged")
        .put("metadata", new JsonObject().put("team", "infra"))).getLong("id");
    // Claim everything pending of the other type: the claimed task has a status and a worker.
    JsonArray claimed = admin.post("/projects/" + project + "/tasks:claim",
        new JsonObject().put("worker_id", "w-7").put("types", new JsonArray().add(other))).expect(200).json().getJsonArray("tasks");
    assertEquals(typed, claimed.getJsonObject(0).getLong("id"));
    sql("UPDATE tasks SET created_at = $1 WHERE id = $2", OffsetDateTime.parse("2026-01-01T00:00:00Z"), plain);
    sql("UPDATE tasks SET created_at = $1 WHERE id = $2", OffsetDateTime.parse("2026-01-02T00:00:00Z"), child);

    // A page of one: each filtered task must be found though it is not the best unfiltered match.
    String q = "/projects/" + project + "/tasks?limit=1&q=deploy";
    assertEquals(6, ids(admin.get(q.replace("limit=1", "limit=10")).expect(200).json()).size());
    assertEquals(List.of(tagged), ids(admin.get(q + "&metadata=" + java.net.URLEncoder.encode("{\"team\":\"infra\"}",
        java.nio.charset.StandardCharsets.UTF_8)).expect(200).json()));
    assertEquals(List.of(typed), ids(admin.get(q + "&status=claimed").expect(200).json()));
    assertEquals(List.of(typed), ids(admin.get(q + "&type=" + other).expect(200).json()));
    assertEquals(List.of(typed), ids(admin.get(q + "&worker_id=w-7").expect(200).json()));
    assertEquals(List.of(external.getLong("id")), ids(admin.get(q + "&external_id=ext-1").expect(200).json()));
    assertEquals(List.of(child), ids(admin.get(q + "&parent_id=" + plain).expect(200).json()));
    assertEquals(List.of(urgent), ids(admin.get(q + "&priority_min=1").expect(200).json()));
    assertEquals(List.of(child), ids(admin.get(q + "&created_after=2026-01-01T00:00:00Z&created_before=2026-01-03T00:00:00Z")
        .expect(200).json()), "created_after is exclusive");
    assertEquals(List.of(plain), ids(admin.get(q + "&created_before=2026-01-02T00:00:00Z").expect(200).json()),
        "created_before is exclusive");
    assertEquals(List.of(), ids(admin.get(q + "&run_id=no-such-run").expect(200).json()));
    assertFalse(ids(admin.get(q.replace("limit=1", "limit=10")).expect(200).json()).contains(nonMatching));
  }

  @Test
  void theNewFiltersNarrowThePlainListingAndTheRunFilterTakesTheRunId() {
    long project = newProject();
    String type = newType();
    String workflow = "wf-" + UUID.randomUUID().toString().substring(0, 8);
    admin.post("/projects/" + project + "/workflows", new JsonObject().put("name", workflow).put("version", 1).put("steps", new JsonArray()
        .add(new JsonObject().put("name", "a").put("type", type))
        .add(new JsonObject().put("name", "b").put("type", type).put("depends_on", new JsonArray().add("a"))))).expect(201);
    String runs = "/projects/" + project + "/workflows/" + workflow + "/runs";
    JsonObject run = admin.post(runs, new JsonObject().put("run_id", "run-1")).expect(201).json();
    admin.post(runs, new JsonObject().put("run_id", "run-2")).expect(201);
    List<Long> runTasks = new ArrayList<>();
    run.getJsonArray("tasks").forEach(o -> runTasks.add(((JsonObject) o).getJsonObject("task").getLong("id")));
    runTasks.sort(null);
    long low = createTask(project, new JsonObject().put("type", type).put("priority", -5)).getLong("id");
    long high = createTask(project, new JsonObject().put("type", type).put("priority", 5)).getLong("id");
    sql("UPDATE tasks SET created_at = $1 WHERE id = $2", OffsetDateTime.parse("2020-06-01T00:00:00Z"), low);

    String base = "/projects/" + project + "/tasks?";
    assertEquals(runTasks, ids(admin.get(base + "run_id=run-1").expect(200).json()));
    assertEquals(List.of(high), ids(admin.get(base + "priority_min=5").expect(200).json()));
    assertEquals(List.of(low, high), ids(admin.get(base + "priority_min=-5").expect(200).json()).stream()
        .filter(id -> id == low || id == high).toList(), "inclusive, and negative values are whole numbers too");
    assertEquals(List.of(low), ids(admin.get(base + "created_before=2021-01-01T00:00:00%2B02:00").expect(200).json()));
    assertEquals(List.of(), ids(admin.get(base + "created_before=2020-06-01T23:00:00%2B23:00").expect(200).json()),
        "RFC 3339 offsets up to 23:59: 2020-06-01T23:00+23:00 is 2020-06-01T00:00Z, and before is exclusive");
    assertEquals(List.of(low), ids(admin.get(base + "created_before=2020-05-31T05:00:00-19:01").expect(200).json()),
        "2020-05-31T05:00-19:01 is 2020-06-01T00:01Z");
    assertFalse(ids(admin.get(base + "created_after=2020-06-01T00:00:00Z").expect(200).json()).contains(low));
    JsonObject page = admin.get(base + "created_after=2021-01-01T00:00:00Z&limit=2").expect(200).json();
    assertEquals(2, ids(page).size());
    assertEquals(ids(page).get(1), page.getLong("next_after"), "plain listings keep paging by id");
    // The run's tasks, found by text too, once they carry a title.
    sql("UPDATE tasks SET title = 'nightly export' WHERE id = $1", runTasks.get(0));
    assertEquals(List.of(runTasks.get(0)), ids(admin.get(base + "q=export&run_id=run-1").expect(200).json()));
    assertEquals(List.of(), ids(admin.get(base + "q=export&run_id=run-2").expect(200).json()));
  }

  @Test
  void badFilterValuesAreBadRequestsNamingTheParameter() {
    long project = newProject();
    String base = "/projects/" + project + "/tasks?";
    for (String query : List.of("run_id=bad%20id", "run_id=-starts-with-dash", "created_after=yesterday",
        "created_after=2026-01-01", "created_before=2026-13-01T00:00:00Z", "priority_min=1.5", "priority_min=99999999999",
        "priority_min=%2B3", "priority_min=007", "priority_min=abc")) {
      String name = query.substring(0, query.indexOf('='));
      JsonObject problem = admin.get(base + query).problem(400);
      assertTrue(problem.getString("detail").contains(name), query + ": " + problem);
    }
  }

  @Test
  void theDocumentFollowsTitleChangesAndGoesWithRetention() {
    long project = newProject();
    String type = newType();
    long id = task(project, type, "Compress backups", "weekly");
    assertEquals(List.of(id), ids(search(project, "backups")));

    sql("UPDATE tasks SET title = 'Archive old logs' WHERE id = $1", id);
    assertEquals(List.of(), ids(search(project, "backups")));
    assertEquals(List.of(id), ids(search(project, "archive")));
    sql("UPDATE tasks SET description = 'monthly rotation' WHERE id = $1", id);
    assertEquals(List.of(id), ids(search(project, "rotation")));
    assertEquals(List.of(), ids(search(project, "weekly")));

    sql("UPDATE tasks SET title = NULL, description = NULL WHERE id = $1", id);
    assertEquals(0L, documents(id), "a task with neither title nor description has no document");
    sql("UPDATE tasks SET title = 'Compress again' WHERE id = $1", id);
    assertEquals(List.of(id), ids(search(project, "compress")));

    long untitled = createTask(project, type).getLong("id");
    assertEquals(0L, documents(untitled));

    JsonObject lease = claim(project, "w", 10).stream().map(o -> (JsonObject) o).filter(t -> t.getLong("id") == id).findFirst().orElseThrow();
    admin.post("/projects/" + project + "/tasks/" + id + ":complete", new JsonObject().put("lease_id", lease.getString("lease_id"))).expect(200);
    assertEquals(List.of(id), ids(search(project, "compress")), "a finished task is still found");
    sql("UPDATE tasks SET updated_at = now() - interval '400 days' WHERE id = $1", id);
    assertTrue(server.server().runRetention().await() >= 1);
    assertEquals(0L, documents(id), "retention deletes the document with the task");
    assertEquals(List.of(), ids(search(project, "compress")));
  }

  private long documents(long taskId) {
    return sql("SELECT count(*) FROM task_search WHERE task_id = $1", taskId).iterator().next().getLong(0);
  }
}
