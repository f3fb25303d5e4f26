package io.taskq.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.config.RetryPolicy;
import io.taskq.config.TaskqConfig;
import io.taskq.store.pg.PgStatsStore;
import io.taskq.support.Api;
import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.taskq.support.StatsInvariant;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** GET /projects/{p}/stats, the task_stats view and the live-task gauges, all read from the task counters. */
class StatsTest extends ServerTest {

  @Override
  protected TaskqConfig configure(TaskqConfig config) {
    // Retries at once, so that racing workers find every retried task before the queue answers empty.
    return config.withSweepInterval(Duration.ofMillis(200)).withRetry(new RetryPolicy(0, 0, 0));
  }

  private JsonObject stats(long project) {
    return admin.get("/projects/" + project + "/stats").expect(200).json();
  }

  private String task(long project, long id) {
    return "/projects/" + project + "/tasks/" + id;
  }

  private JsonObject claimOne(long project, long expected) {
    JsonArray claimed = claim(project, "w", 1);
    assertEquals(1, claimed.size());
    assertEquals(expected, claimed.getJsonObject(0).getLong("id"));
    return claimed.getJsonObject(0);
  }

  private static JsonObject counts(long pending, long claimed, long completed, long failed, long cancelled, long blocked) {
    return new JsonObject().put("pending", pending).put("claimed", claimed).put("completed", completed).put("failed", failed)
        .put("cancelled", cancelled).put("blocked", blocked);
  }

  private void assertCountersAgreeWithARecount() {
    assertEquals(List.of(), StatsInvariant.violations(server.sql()));
  }

  @Test
  void countsFollowCreatesClaimsCompletionsFailuresCancelsCascadesAndRetries() {
    long project = newProject();
    String type = newType();
    long done = createTask(project, type).getLong("id");
    long doomed = createTask(project, type).getLong("id");
    long dependent = createTask(project, new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(new JsonObject().put("task_id", doomed)))).getLong("id");
    JsonArray bulk = new JsonArray().add(new JsonObject().put("type", type)).add(new JsonObject().put("type", type));
    JsonArray created = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", bulk)).expect(201).json()
        .getJsonArray("created");
    long cancelled = created.getJsonObject(0).getLong("id");
    assertEquals(counts(4, 0, 0, 0, 0, 1), stats(project).getJsonObject("by_status"));

    admin.post(task(project, done) + ":complete", new JsonObject().put("lease_id", claimOne(project, done).getString("lease_id")))
        .expect(200);
    admin.post(task(project, doomed) + ":fail", new JsonObject().put("lease_id", claimOne(project, doomed).getString("lease_id"))
        .put("error", "boom").put("retryable", false)).expect(200);
    admin.post(task(project, cancelled) + ":cancel", null).expect(200);

    JsonObject afterwards = stats(project);
    assertEquals(project, afterwards.getLong("project_id"));
    assertEquals(5, afterwards.getLong("total"));
    // the dependent was cancelled with its failed prerequisite (a cascade)
    assertEquals(counts(1, 0, 1, 1, 2, 0), afterwards.getJsonObject("by_status"));
    assertEquals(new JsonObject().put("average", 0.4).put("max", 1), afterwards.getJsonObject("attempts"));
    JsonObject byType = afterwards.getJsonArray("by_type").getJsonObject(0);
    assertEquals(type, byType.getString("type"));
    assertEquals(afterwards.getJsonObject("by_status"), byType.getJsonObject("by_status"));
    assertCountersAgreeWithARecount();

    admin.post(task(project, doomed) + ":retry", null).expect(200);
    JsonObject retried = stats(project).getJsonObject("by_status");
    assertEquals(2, retried.getLong("pending"), "the retried task is pending again");
    assertEquals(0, retried.getLong("failed"));
    assertEquals("cancelled", admin.get(task(project, dependent)).expect(200).json().getString("status"));
    assertCountersAgreeWithARecount();
  }

  @Test
  void aLapsedLeaseReturnsItsTaskToPendingInTheCounts() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w").put("lease_seconds", 1)).expect(200);
    assertEquals(1, stats(project).getJsonObject("by_status").getLong("claimed"));
    Poll.until(() -> admin.get(task(project, id)).expect(200).json().getString("status"), "pending"::equals, Duration.ofSeconds(10));
    JsonObject swept = stats(project);
    assertEquals(counts(1, 0, 0, 0, 0, 0), swept.getJsonObject("by_status"));
    assertEquals(new JsonObject().put("average", 1.0).put("max", 1), swept.getJsonObject("attempts"), "the lapsed attempt counts");
    assertCountersAgreeWithARecount();
  }

  @Test
  void theFoldMovesDeltasIntoTheTotalsWithoutChangingThem() {
    long project = newProject();
    String type = newType();
    for (int i = 0; i < 3; i++) {
      createTask(project, type);
    }
    JsonObject claimed = claim(project, "w", 1).getJsonObject(0);
    admin.post(task(project, claimed.getLong("id")) + ":complete", new JsonObject().put("lease_id", claimed.getString("lease_id")))
        .expect(200);
    JsonObject before = stats(project);

    PgStatsStore store = new PgStatsStore(server.sql());
    while (store.foldDeltas(1).await() > 0) {
      // one delta a statement: many small folds must add up to the same totals as one large one
    }
    assertEquals(0L, sql("SELECT count(*) FROM task_stat_deltas").iterator().next().getLong(0));
    JsonObject after = stats(project);
    assertEquals(before.getJsonObject("by_status"), after.getJsonObject("by_status"));
    assertEquals(before.getJsonObject("attempts"), after.getJsonObject("attempts"));
    assertEquals(before.getJsonArray("throughput"), after.getJsonArray("throughput"));
    assertEquals(counts(2, 0, 1, 0, 0, 0), after.getJsonObject("by_status"));
    assertCountersAgreeWithARecount();
  }

  @Test
  void throughputHasSixtyMinutesEndingNowWithTheTasksOfEach() {
    long project = newProject();
    String type = newType();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(createTask(project, type).getLong("id"));
    }
    JsonObject first = claimOne(project, ids.get(0));
    admin.post(task(project, ids.get(0)) + ":complete", new JsonObject().put("lease_id", first.getString("lease_id"))).expect(200);
    JsonObject second = claimOne(project, ids.get(1));
    admin.post(task(project, ids.get(1)) + ":fail", new JsonObject().put("lease_id", second.getString("lease_id"))
        .put("error", "boom").put("retryable", false)).expect(200);
    JsonObject third = claimOne(project, ids.get(2));
    // a failed attempt that is retried is a claim, not a failed task
    admin.post(task(project, ids.get(2)) + ":fail", new JsonObject().put("lease_id", third.getString("lease_id"))
        .put("error", "again").put("retryable", true)).expect(200);

    JsonArray series = stats(project).getJsonArray("throughput");
    assertEquals(60, series.size());
    Instant last = Instant.parse(series.getJsonObject(59).getString("minute"));
    Instant thisMinute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    assertTrue(!last.isAfter(thisMinute) && !last.isBefore(thisMinute.minus(1, ChronoUnit.MINUTES)), "ends now: " + last);
    for (int i = 1; i < 60; i++) {
      assertEquals(Instant.parse(series.getJsonObject(i - 1).getString("minute")).plus(1, ChronoUnit.MINUTES),
          Instant.parse(series.getJsonObject(i).getString("minute")), "one point a minute, none missing");
    }
    assertEquals(new JsonObject().put("created", 3L).put("claimed", 3L).put("completed", 1L).put("failed", 1L), sums(series));
  }

  private static JsonObject sums(JsonArray series) {
    JsonObject sums = new JsonObject();
    for (String field : List.of("created", "claimed", "completed", "failed")) {
      sums.put(field, series.stream().mapToLong(p -> ((JsonObject) p).getLong(field)).sum());
    }
    return sums;
  }

  @Test
  void theOldestClaimableAgeIsPerTypeAndIgnoresTasksScheduledLater() {
    long project = newProject();
    String overdue = newType();
    String later = newType();
    createTask(project, new JsonObject().put("type", overdue).put("run_at", Instant.now().minusSeconds(3600).toString()));
    createTask(project, overdue);
    createTask(project, new JsonObject().put("type", later).put("run_at", Instant.now().plusSeconds(3600).toString()));
    JsonObject stats = stats(project);
    double age = 0;
    for (Object o : stats.getJsonArray("by_type")) {
      JsonObject type = (JsonObject) o;
      if (type.getString("type").equals(overdue)) {
        age = type.getDouble("oldest_claimable_age_seconds");
      } else {
        assertEquals(later, type.getString("type"));
        assertNull(type.getValue("oldest_claimable_age_seconds"), "a task due in an hour is not claimable");
      }
    }
    assertTrue(age >= 3600 && age < 3700, "the overdue task's age: " + age);
    assertEquals(age, stats.getDouble("oldest_claimable_age_seconds"));
  }

  @Test
  void statsNeedTasksReadOnAProjectThatExists() {
    long project = newProject();
    long other = newProject();
    admin.get("/projects/999999999/stats").problem(404);
    admin.withKey(newKey(project, "tasks:read")).get("/projects/" + other + "/stats").problem(403);
    admin.withKey(newKey(project, "tasks:write")).get("/projects/" + project + "/stats").problem(403);
    JsonObject empty = admin.withKey(newKey(project, "tasks:read")).get("/projects/" + project + "/stats").expect(200).json();
    assertEquals(counts(0, 0, 0, 0, 0, 0), empty.getJsonObject("by_status"));
    assertEquals(0, empty.getJsonArray("by_type").size());
    assertNull(empty.getValue("oldest_claimable_age_seconds"));
  }

  @Test
  void theTaskStatsViewGivesCountsAttemptsAndTheOldestClaimableTask() {
    long project = newProject();
    String type = newType();
    createTask(project, new JsonObject().put("type", type).put("run_at", Instant.now().minusSeconds(60).toString()));
    long id = createTask(project, type).getLong("id");
    createTask(project, type);
    JsonObject claimed = claim(project, "w", 1).getJsonObject(0);
    admin.post(task(project, claimed.getLong("id")) + ":complete", new JsonObject().put("lease_id", claimed.getString("lease_id")))
        .expect(200);
    List<String> rows = new ArrayList<>();
    for (Row row : sql("""
        SELECT type, status, task_count, avg_attempts::text, max_attempts,
               extract(epoch FROM oldest_claimable_age)::int AS age
          FROM task_stats WHERE project_id = $1 ORDER BY status""", project)) {
      rows.add(row.getString("type") + " " + row.getString("status") + " " + row.getLong("task_count") + " "
          + row.getString("avg_attempts") + " " + row.getInteger("max_attempts") + " " + row.getValue("age"));
    }
    assertEquals(List.of(type + " completed 1 1.00 1 null", type + " pending 2 0.00 0 0"), rows, "task " + id);
  }

  @Test
  void theLeaderPublishesLiveTaskGaugesFromTheCounters() {
    long project = newProject();
    String type = newType();
    createTask(project, type);
    createTask(project, type);
    claim(project, "w", 1);
    String prefix = "taskq_tasks{project=\"" + project + "\",status=\"";
    String suffix = "\",type=\"" + type + "\"} ";
    String metrics = Poll.until(() -> anonymous().get("/metrics").expect(200).body().toString(),
        m -> m.contains(prefix + "pending" + suffix + "1.0") && m.contains(prefix + "claimed" + suffix + "1.0"),
        Duration.ofSeconds(15));
    assertTrue(metrics.contains(prefix + "blocked" + suffix + "0.0"), "known pairs are published at zero");
    assertNotNull(metrics);
  }

  /**
   * The update trigger's join keeps, per connection, the plan of its first call: after one-row
   * updates a nested loop, which made a cancel of 20,000 tasks compare every pair (33 s on
   * PostgreSQL 15) until changeset 035 forbade nested loops in it.
   */
  @Test
  void aMassCancelAfterOneRowUpdatesCountsItsTasksInLinearTime() {
    long project = newProject();
    String type = newType();
    int tasks = 20_000;
    for (int b = 0; b < tasks / 2000; b++) {
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 2000; i++) {
        batch.add(new JsonObject().put("type", type));
      }
      admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", batch)).expect(201);
    }
    // one-row updates first, on as many pool connections as run at once
    List<Long> first = new ArrayList<>();
    for (Row row : sql("SELECT id FROM tasks WHERE project_id = $1 ORDER BY id LIMIT 32", project)) {
      first.add(row.getLong(0));
    }
    Future.all(first.stream().map(id -> admin.postAsync(task(project, id) + ":cancel", null).map(r -> r.expect(200))).toList())
        .await();
    long started = System.nanoTime();
    admin.post("/projects/" + project + "/tasks:cancel", new JsonObject().put("type", type)).expect(200);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertEquals(tasks, stats(project).getJsonObject("by_status").getLong("cancelled"));
    assertTrue(took.toSeconds() < 10, "the cancel took " + took + " (0.2-1 s with linear counting)");
    assertCountersAgreeWithARecount();
  }

  /** Folds leave the delta table mostly dead rows, which every read scans until they are vacuumed: the leader does, every few seconds. */
  @Test
  void theLeaderVacuumsTheDeltaTableItFolds() {
    long project = newProject();
    String type = newType();
    createTask(project, type);
    long vacuums = Poll.until(() -> sql("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'task_stat_deltas'")
        .iterator().next().getLong(0), n -> n > 0, Duration.ofSeconds(15));
    assertTrue(vacuums > 0);
  }

  /** 32 workers claim, complete and fail at once while the counters are checked against a recount, again and again. */
  @Test
  void countersAgreeWithARecountWhileThirtyTwoWorkersRace() {
    long project = newProject();
    String type = newType();
    int tasks = 1500;
    JsonArray batch = new JsonArray();
    for (int i = 0; i < tasks; i++) {
      batch.add(new JsonObject().put("type", type).put("max_attempts", 2));
    }
    admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", batch)).expect(201);
    List<Future<Void>> workers = new ArrayList<>();
    AtomicInteger finished = new AtomicInteger();
    for (int w = 0; w < 32; w++) {
      Promise<Void> done = Promise.promise();
      work(project, "w" + w, 1 + w % 4, done);
      workers.add(done.future().onComplete(ar -> finished.incrementAndGet()));
    }
    List<String> seenDuringTheRace = new ArrayList<>();
    int checks = 0;
    while (finished.get() < workers.size()) {
      seenDuringTheRace.addAll(StatsInvariant.violations(server.sql()));
      checks++;
    }
    Future.all(workers).await();
    assertEquals(List.of(), seenDuringTheRace, "after " + checks + " checks during the race");
    assertCountersAgreeWithARecount();
    JsonObject stats = stats(project);
    JsonObject byStatus = stats.getJsonObject("by_status");
    assertEquals(tasks, byStatus.getLong("completed") + byStatus.getLong("failed"));
    assertEquals(tasks, sums(stats.getJsonArray("throughput")).getLong("created"));
    assertEquals(byStatus.getLong("failed"), sums(stats.getJsonArray("throughput")).getLong("failed"));
  }

  /** Claims until the queue is empty; fails every third task (once retryable, so some are claimed twice), completes the rest. */
  private void work(long project, String worker, int limit, Promise<Void> done) {
    Api api = admin;
    api.postAsync("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", worker).put("limit", limit))
        .compose(response -> {
          JsonArray claimed = response.expect(200).json().getJsonArray("tasks");
          if (claimed.isEmpty()) {
            done.complete();
            return Future.succeededFuture();
          }
          List<Future<Api.Response>> outcomes = new ArrayList<>();
          for (Object o : claimed) {
            JsonObject t = (JsonObject) o;
            String path = "/projects/" + project + "/tasks/" + t.getLong("id");
            JsonObject lease = new JsonObject().put("lease_id", t.getString("lease_id"));
            outcomes.add(t.getLong("id") % 3 == 0
                ? api.postAsync(path + ":fail", lease.put("error", "x")).map(r -> r.expect(200))
                : api.postAsync(path + ":complete", lease).map(r -> r.expect(200)));
          }
          return Future.all(outcomes).onSuccess(v -> work(project, worker, limit, done));
        })
        .onFailure(done::fail);
  }
}
