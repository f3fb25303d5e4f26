package io.taskq.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET .../workers and the worker-wide heartbeat and release, over the real server. */
class WorkersTest extends ServerTest {

  private String workers(long project) {
    return "/projects/" + project + "/workers";
  }

  private String worker(long project, String id) {
    return workers(project) + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private void flushStats() throws Exception {
    server.server().flushWorkerStats().toCompletionStage().toCompletableFuture().get();
  }

  private List<Long> createTasks(long project, JsonObject task, int n) {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < n; i++) {
      batch.add(task.copy());
    }
    JsonObject created = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", batch)).expect(201).json();
    List<Long> ids = new ArrayList<>();
    for (Object o : created.getJsonArray("created")) {
      ids.add(((JsonObject) o).getLong("id"));
    }
    return ids;
  }

  private JsonArray claim(long project, String worker, int limit, int leaseSeconds) {
    return admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", worker).put("limit", limit)
        .put("lease_seconds", leaseSeconds)).expect(200).json().getJsonArray("tasks");
  }

  private void complete(long project, JsonObject claimed) {
    admin.post("/projects/" + project + "/tasks/" + claimed.getLong("id") + ":complete",
        new JsonObject().put("lease_id", claimed.getString("lease_id"))).expect(200);
  }

  private void failForGood(long project, JsonObject claimed) {
    admin.post("/projects/" + project + "/tasks/" + claimed.getLong("id") + ":fail", new JsonObject()
        .put("lease_id", claimed.getString("lease_id")).put("error", "boom").put("retryable", false)).expect(200);
  }

  private JsonObject task(long project, long id) {
    return admin.get("/projects/" + project + "/tasks/" + id).expect(200).json();
  }

  @Test
  void countsSuccessRateAndProcessingTimeOfSeveralWorkers() throws Exception {
    long project = newProject();
    String type = newType();
    createTasks(project, new JsonObject().put("type", type), 6);
    JsonArray byA = claim(project, "a", 3, 60);
    JsonArray byB = claim(project, "b", 2, 60);
    JsonArray heldByD = claim(project, "d", 1, 60);
    assertEquals(3, byA.size());
    assertEquals(2, byB.size());
    assertEquals(1, heldByD.size());
    assertEquals(0, claim(project, "c", 5, 60).size(), "c polls an empty queue: seen, with nothing");
    complete(project, byA.getJsonObject(0));
    complete(project, byA.getJsonObject(1));
    failForGood(project, byA.getJsonObject(2));
    complete(project, byB.getJsonObject(0));
    complete(project, byB.getJsonObject(1));
    flushStats();

    JsonObject a = admin.get(worker(project, "a")).expect(200).json();
    assertEquals(3, a.getLong("claimed"));
    assertEquals(2, a.getLong("completed"));
    assertEquals(1, a.getLong("failed"));
    assertEquals(0, a.getLong("leases_held"));
    assertEquals(2.0 / 3, a.getDouble("success_rate"), 1e-9);
    assertTrue(a.getDouble("avg_processing_ms") > 0, a.encode());
    assertTrue(a.getBoolean("active"));
    Instant first = Instant.parse(a.getString("first_seen_at"));
    Instant last = Instant.parse(a.getString("last_seen_at"));
    assertFalse(last.isBefore(first));
    assertTrue(last.isAfter(Instant.now().minusSeconds(60)));

    JsonObject b = admin.get(worker(project, "b")).expect(200).json();
    assertEquals(1.0, b.getDouble("success_rate"));
    assertEquals(2, b.getLong("completed"));
    assertEquals(0, b.getLong("failed"));

    JsonObject c = admin.get(worker(project, "c")).expect(200).json();
    assertEquals(0, c.getLong("claimed"));
    assertNull(c.getValue("success_rate"));
    assertNull(c.getValue("avg_processing_ms"));
    assertTrue(c.getBoolean("active"));
    assertNotNull(c.getString("last_seen_at"));

    assertEquals(1, admin.get(worker(project, "d")).expect(200).json().getLong("leases_held"));

    JsonObject page = admin.get(workers(project) + "?limit=3").expect(200).json();
    assertEquals(List.of("a", "b", "c"), page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("worker_id")).toList());
    assertEquals("c", page.getString("next_after"));
    JsonObject rest = admin.get(workers(project) + "?limit=3&after=c").expect(200).json();
    assertEquals(List.of("d"), rest.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("worker_id")).toList());
    assertNull(rest.getValue("next_after"));

    admin.get(worker(project, "never-seen")).problem(404);
    admin.get(worker(newProject(), "a")).problem(404);
    admin.get(workers(project) + "?active=maybe").problem(400);
  }

  @Test
  void countsAreRightBeforeTheLeaderFoldsThem() throws Exception {
    long project = newProject();
    createTasks(project, new JsonObject().put("type", newType()), 2);
    JsonArray claimed = claim(project, "early", 2, 60);
    complete(project, claimed.getJsonObject(0));
    // Read at once: delta rows not folded yet are summed with the folded ones.
    JsonObject early = admin.get(worker(project, "early")).expect(200).json();
    assertEquals(2, early.getLong("claimed"));
    assertEquals(1, early.getLong("completed"));
    assertEquals(1, early.getLong("leases_held"));
    flushStats();
    JsonObject folded = admin.get(worker(project, "early")).expect(200).json();
    assertEquals(2, folded.getLong("claimed"));
    assertEquals(1, folded.getLong("completed"));
  }

  @Test
  void aWorkerNotSeenForFiveMinutesIsInactive() throws Exception {
    long project = newProject();
    claim(project, "gone", 1, 60);
    claim(project, "here", 1, 60);
    flushStats();
    sql("UPDATE workers SET last_seen_at = now() - interval '301 seconds' WHERE project_id = $1 AND worker_id = 'gone'", project);
    assertFalse(admin.get(worker(project, "gone")).expect(200).json().getBoolean("active"));
    assertTrue(admin.get(worker(project, "here")).expect(200).json().getBoolean("active"));
    assertEquals(List.of("gone"), ids(admin.get(workers(project) + "?active=false").expect(200).json()));
    assertEquals(List.of("here"), ids(admin.get(workers(project) + "?active=true").expect(200).json()));
    assertEquals(List.of("gone", "here"), ids(admin.get(workers(project)).expect(200).json()));
    sql("UPDATE workers SET last_seen_at = now() - interval '299 seconds' WHERE project_id = $1 AND worker_id = 'gone'", project);
    assertTrue(admin.get(worker(project, "gone")).expect(200).json().getBoolean("active"));
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("worker_id")).toList();
  }

  @Test
  void aHeartbeatExtendsEveryLeaseOfTheWorkerAndNoOtherInOneRequest() throws Exception {
    long project = newProject();
    createTasks(project, new JsonObject().put("type", newType()), 7);
    JsonArray mine = claim(project, "busy: one/two", 5, 30);
    JsonArray theirs = claim(project, "other", 2, 30);
    Map<Long, String> before = new HashMap<>();
    for (Object o : theirs) {
      long id = ((JsonObject) o).getLong("id");
      before.put(id, task(project, id).getString("lease_expires_at"));
    }
    Instant start = Instant.now();
    JsonObject answer = admin.post(worker(project, "busy: one/two") + ":heartbeat", new JsonObject().put("lease_seconds", 600))
        .expect(200).json();
    JsonArray leases = answer.getJsonArray("leases");
    assertEquals(5, leases.size());
    Set<Long> mineIds = new HashSet<>();
    for (Object o : mine) {
      mineIds.add(((JsonObject) o).getLong("id"));
    }
    for (Object o : leases) {
      JsonObject lease = (JsonObject) o;
      assertTrue(mineIds.contains(lease.getLong("task_id")));
      Instant expiry = Instant.parse(lease.getString("lease_expires_at"));
      assertTrue(expiry.isAfter(start.plusSeconds(590)), lease.encode());
      assertEquals(lease.getString("lease_expires_at"), task(project, lease.getLong("task_id")).getString("lease_expires_at"));
      List<String> events = admin.get("/projects/" + project + "/tasks/" + lease.getLong("task_id") + "/logs").items().stream()
          .map(e -> ((JsonObject) e).getString("event")).toList();
      assertEquals("heartbeat", events.get(events.size() - 1));
    }
    before.forEach((id, expiry) -> assertEquals(expiry, task(project, id).getString("lease_expires_at"), "another worker's lease moved"));

    // Without lease_seconds each task gets its own again.
    int own = sql("SELECT lease_seconds FROM tasks WHERE id = $1", mine.getJsonObject(0).getLong("id")).iterator().next().getInteger(0);
    assertTrue(own < 590, "the default lease must differ from the one given above: " + own);
    Instant again = Instant.now();
    JsonArray renewed = admin.post(worker(project, "busy: one/two") + ":heartbeat", null).expect(200).json().getJsonArray("leases");
    assertEquals(5, renewed.size());
    Instant expiry = Instant.parse(renewed.getJsonObject(0).getString("lease_expires_at"));
    assertTrue(!expiry.isAfter(Instant.now().plusSeconds(own + 1)) && expiry.isAfter(again.plusSeconds(own - 5)), expiry + " for " + own);

    admin.post(worker(project, "idle") + ":heartbeat", new JsonObject()).problem(404);
    assertEquals(0, claim(project, "idle", 1, 60).size());
    assertEquals(0, admin.post(worker(project, "idle") + ":heartbeat", new JsonObject()).expect(200).json()
        .getJsonArray("leases").size(), "a worker seen, holding nothing");
    admin.post(worker(project, "busy: one/two") + ":heartbeat", new JsonObject().put("lease_seconds", 0)).problem(422);
    admin.post(worker(project, "busy: one/two") + ":heartbeat", new JsonObject().put("lease", 5)).problem(422);
    flushStats();
    JsonObject busy = admin.get(worker(project, "busy: one/two")).expect(200).json();
    assertEquals(5, busy.getLong("leases_held"));
    assertEquals(5, busy.getLong("claimed"), "heartbeats are not claims");
    assertTrue(admin.get(worker(project, "idle")).expect(200).json().getBoolean("active"), "a heartbeat is a sighting");
  }

  @Test
  void releaseEndsEveryLeaseAsALapseWouldAndFreesTheSlots() throws Exception {
    long project = newProject();
    String limited = "limited-" + UUID.randomUUID().toString().substring(0, 8);
    admin.post("/task-types", new JsonObject().put("name", limited).put("version", 1)
        .put("param_schema", new JsonObject().put("type", "object")).put("max_concurrency", 1)).expect(201);
    String plain = newType();
    long retried = createTask(project, new JsonObject().put("type", limited).put("max_attempts", 3)).getLong("id");
    long lastAttempt = createTask(project, new JsonObject().put("type", plain).put("max_attempts", 1).put("priority", 5))
        .getLong("id");
    long dependent = createTask(project, new JsonObject().put("type", plain)
        .put("depends_on", new JsonArray().add(new JsonObject().put("task_id", lastAttempt)))).getLong("id");
    JsonArray held = claim(project, "leaving", 5, 300);
    assertEquals(2, held.size());
    assertEquals(0, claim(project, "waiting", 5, 300).size(), "the limited type's only slot is taken");

    JsonObject answer = admin.post(worker(project, "leaving") + ":release", null).expect(200).json();
    Map<Long, JsonObject> released = new HashMap<>();
    for (Object o : answer.getJsonArray("released")) {
      released.put(((JsonObject) o).getLong("task_id"), (JsonObject) o);
    }
    assertEquals(Set.of(retried, lastAttempt), released.keySet());
    assertEquals("pending", released.get(retried).getString("status"));
    assertEquals("failed", released.get(lastAttempt).getString("status"));
    assertEquals(1, released.get(lastAttempt).getLong("cascaded"));
    assertEquals("cancelled", task(project, dependent).getString("status"));
    assertEquals("failed", task(project, lastAttempt).getString("status"));
    JsonObject log = (JsonObject) admin.get("/projects/" + project + "/tasks/" + retried + "/logs").items().stream()
        .reduce((x, y) -> y).orElseThrow();
    assertEquals("lease_expired", log.getString("event"));
    assertEquals("released by its worker", log.getString("message"));
    assertEquals("leaving", log.getString("worker_id"));

    JsonArray next = claim(project, "waiting", 5, 300);
    assertEquals(1, next.size(), "the released task is claimable and its slot was given back");
    assertEquals(retried, next.getJsonObject(0).getLong("id"));
    assertEquals(2, next.getJsonObject(0).getInteger("attempts"));

    assertEquals(0, admin.post(worker(project, "leaving") + ":release", new JsonObject()).expect(200).json()
        .getJsonArray("released").size(), "releasing again releases nothing");
    admin.post(worker(project, "never-claimed") + ":release", null).problem(404);
    flushStats();
    JsonObject leaving = admin.get(worker(project, "leaving")).expect(200).json();
    assertEquals(2, leaving.getLong("released"));
    assertEquals(0, leaving.getLong("failed"), "a release is not a failure of the worker");
    assertEquals(0, leaving.getLong("expired"));
    assertEquals(0, leaving.getLong("leases_held"));
    assertNull(leaving.getValue("success_rate"));
    assertEquals(1, admin.get(worker(project, "waiting")).expect(200).json().getLong("leases_held"));
  }

  @Test
  void aLapsedLeaseCountsAsExpiredAndIsNotASighting() throws Exception {
    long project = newProject();
    long id = createTasks(project, new JsonObject().put("type", newType()), 1).get(0);
    claim(project, "slow", 1, 1);
    flushStats();
    sql("UPDATE workers SET last_seen_at = now() - interval '10 minutes' WHERE project_id = $1", project);
    io.taskq.support.Poll.until(() -> task(project, id).getString("status"), "pending"::equals, java.time.Duration.ofSeconds(10));
    flushStats();
    JsonObject slow = admin.get(worker(project, "slow")).expect(200).json();
    assertEquals(1, slow.getLong("expired"));
    assertEquals(0.0, slow.getDouble("success_rate"));
    assertFalse(slow.getBoolean("active"), "a lapse is the absence of the worker, not a sighting");
  }

  /**
   * A worker completes its tasks while it is released and others claim and complete: every task
   * completes exactly once, and each of the released worker's tasks is either completed by it or
   * released, never both.
   */
  @Test
  void releaseRacingClaimsAndCompletionsLosesAndDoublesNothing() throws Exception {
    long project = newProject();
    List<Long> all = createTasks(project, new JsonObject().put("type", newType()), 120);
    JsonArray victimTasks = claim(project, "victim", 40, 300);
    assertEquals(40, victimTasks.size());

    List<Future<Api.Response>> victimCompletes = new ArrayList<>();
    Future<Api.Response> release = null;
    for (int i = 0; i < victimTasks.size(); i++) {
      JsonObject t = victimTasks.getJsonObject(i);
      victimCompletes.add(admin.postAsync("/projects/" + project + "/tasks/" + t.getLong("id") + ":complete",
          new JsonObject().put("lease_id", t.getString("lease_id"))));
      if (i == 10) {
        release = admin.postAsync(worker(project, "victim") + ":release", null);
      }
    }
    List<Future<Integer>> others = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      others.add(drain(project, "other-" + w, 0));
    }
    Future.all(victimCompletes).await();
    Api.Response released = release.await();
    assertEquals(200, released.status());
    Future.all(others).await();
    // Tasks released after the others stopped looking are still pending: drain once more.
    drain(project, "sweeper", 0).await();

    Set<Long> completedByVictim = new HashSet<>();
    for (int i = 0; i < victimCompletes.size(); i++) {
      Api.Response r = victimCompletes.get(i).result();
      assertTrue(r.status() == 200 || r.status() == 409, "complete answered " + r.status());
      if (r.status() == 200) {
        completedByVictim.add(victimTasks.getJsonObject(i).getLong("id"));
      }
    }
    Set<Long> releasedIds = new HashSet<>();
    for (Object o : released.json().getJsonArray("released")) {
      releasedIds.add(((JsonObject) o).getLong("task_id"));
    }
    assertEquals(40, completedByVictim.size() + releasedIds.size(), "each victim task completed by it or released");
    assertTrue(java.util.Collections.disjoint(completedByVictim, releasedIds), "no task both completed by the victim and released");

    for (Row row : sql("""
        SELECT t.id, t.status, (SELECT count(*) FROM task_logs l WHERE l.task_id = t.id AND l.event = 'completed') AS completions
          FROM tasks t WHERE t.project_id = $1""", project)) {
      assertEquals("completed", row.getString("status"), "task " + row.getLong("id"));
      assertEquals(1L, row.getLong("completions"), "task " + row.getLong("id") + " completed once");
    }
    assertEquals(all.size(), sql("SELECT count(*) FROM tasks WHERE project_id = $1", project).iterator().next().getLong(0));
    flushStats();
    JsonObject victim = admin.get(worker(project, "victim")).expect(200).json();
    assertEquals(completedByVictim.size(), victim.getLong("completed"));
    assertEquals(releasedIds.size(), victim.getLong("released"));
    assertEquals(0, victim.getLong("leases_held"));
  }

  /** Claims and completes until a claim finds nothing; answers how many it completed. */
  private Future<Integer> drain(long project, String worker, int done) {
    return admin.postAsync("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", worker).put("limit", 5))
        .compose(r -> {
          JsonArray tasks = r.json().getJsonArray("tasks");
          if (tasks.isEmpty()) {
            return Future.succeededFuture(done);
          }
          List<Future<Api.Response>> completes = new ArrayList<>();
          for (Object o : tasks) {
            JsonObject t = (JsonObject) o;
            completes.add(admin.postAsync("/projects/" + project + "/tasks/" + t.getLong("id") + ":complete",
                new JsonObject().put("lease_id", t.getString("lease_id"))));
          }
          return Future.all(completes).compose(all -> {
            for (Future<Api.Response> f : completes) {
              if (f.result().status() != 200) {
                return Future.failedFuture(new AssertionError(worker + " could not complete a task it claimed: " + f.result().status()));
              }
            }
            return drain(project, worker, done + tasks.size());
          });
        });
  }
}
