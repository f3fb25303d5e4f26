package io.taskq.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.support.Api;
import io.taskq.support.Poll;
import io.taskq.support.TestDatabase;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Leadership, failover and retention, with two instances on one database. */
class MaintenanceTest {

  private static long setUpProject(Api api) {
    return api.post("/projects", new JsonObject().put("name", "m")).expect(201).json().getLong("id");
  }

  private static String metrics(TestServer s) {
    return new Api(s.vertx(), s.port(), null).get("/metrics").expect(200).body().toString();
  }

  private static String setUpType(Api api) {
    String name = "t-" + UUID.randomUUID().toString().substring(0, 8);
    api.post("/task-types", new JsonObject().put("name", name).put("version", 1)
        .put("param_schema", new JsonObject().put("type", "object"))).expect(201);
    return name;
  }

  @Test
  void oneInstanceLeadsAndAnotherTakesOverWhenItDies() throws Exception {
    DatabaseTarget db = TestDatabase.fresh("leader");
    TestServer a = TestServer.startOn(db, c -> c.withLeaderLease(Duration.ofSeconds(1)));
    TestServer b = TestServer.startOn(db, c -> c.withLeaderLease(Duration.ofSeconds(1)));
    try {
      Poll.until(() -> a.server().isLeader() || b.server().isLeader(), led -> led, Duration.ofSeconds(10));
      assertTrue(a.server().isLeader() ^ b.server().isLeader(), "exactly one leader");
      TestServer leader = a.server().isLeader() ? a : b;
      TestServer follower = leader == a ? b : a;
      Api api = new Api(follower.vertx(), follower.port(), TestServer.ADMIN_KEY);
      assertTrue(metrics(leader).contains("\ntaskq_leader 1.0"), "the leader says so");
      assertTrue(metrics(follower).contains("\ntaskq_leader 0.0"), "the follower says so");
      long project = setUpProject(api);
      String type = setUpType(api);
      long id = api.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)).expect(201).json().getLong("id");
      api.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "w").put("lease_seconds", 1)).expect(200);

      leader.server().crash();
      Poll.until(() -> follower.server().isLeader(), led -> led, Duration.ofSeconds(10));
      // The new leader sweeps the lapsed lease: the task is claimable again.
      JsonObject again = Poll.until(() -> api.post("/projects/" + project + "/tasks:claim",
          new JsonObject().put("worker_id", "w2")).expect(200).json().getJsonArray("tasks"), t -> !t.isEmpty(),
          Duration.ofSeconds(15)).getJsonObject(0);
      assertEquals(id, again.getLong("id"));
    } finally {
      for (TestServer s : List.of(a, b)) {
        try {
          s.close();
        } catch (Exception ignored) {
          // the crashed one is already down
        }
      }
    }
  }

  @Test
  void retentionDeletesOldFinishedTasksWithTheirLogsAndKeepsTheRest() throws Exception {
    DatabaseTarget db = TestDatabase.fresh("retention");
    try (TestServer s = TestServer.startOn(db, c -> c.withRetention(Duration.ofMillis(300), Duration.ofDays(30)))) {
      Api api = new Api(s.vertx(), s.port(), TestServer.ADMIN_KEY);
      long project = setUpProject(api);
      String type = setUpType(api);
      String tasks = "/projects/" + project + "/tasks";
      long done = api.post(tasks, new JsonObject().put("type", type)).expect(201).json().getLong("id");
      JsonObject claimed = api.post(tasks + ":claim", new JsonObject().put("worker_id", "w")).expect(200).json()
          .getJsonArray("tasks").getJsonObject(0);
      api.post(tasks + "/" + done + ":complete", new JsonObject().put("lease_id", claimed.getString("lease_id"))).expect(200);
      long failed = api.post(tasks, new JsonObject().put("type", type)).expect(201).json().getLong("id");
      JsonObject second = api.post(tasks + ":claim", new JsonObject().put("worker_id", "w")).expect(200).json()
          .getJsonArray("tasks").getJsonObject(0);
      api.post(tasks + "/" + failed + ":fail", new JsonObject().put("lease_id", second.getString("lease_id"))
          .put("error", "x").put("retryable", false)).expect(200);
      long pending = api.post(tasks, new JsonObject().put("type", type)).expect(201).json().getLong("id");

      Poll.until(() -> s.server().runRetention().await(), n -> n >= 1, Duration.ofSeconds(10));
      api.get(tasks + "/" + done).problem(404);
      assertEquals(0L, s.sql().preparedQuery("SELECT count(*) FROM task_logs WHERE task_id = $1")
          .execute(io.vertx.sqlclient.Tuple.of(done)).await().iterator().next().getLong(0), "its logs went with it");
      assertEquals("failed", api.get(tasks + "/" + failed).expect(200).json().getString("status"), "failed ones are kept longer");
      assertEquals("pending", api.get(tasks + "/" + pending).expect(200).json().getString("status"));
    }
  }

  @Test
  void theLeaderPublishesLiveTaskGauges() throws Exception {
    DatabaseTarget db = TestDatabase.fresh("gauges");
    try (TestServer s = TestServer.startOn(db, c -> c)) {
      Api api = new Api(s.vertx(), s.port(), TestServer.ADMIN_KEY);
      long project = setUpProject(api);
      String type = setUpType(api);
      api.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)).expect(201);
      String series = "taskq_tasks{project=\"" + project + "\",status=\"pending\",type=\"" + type + "\"} 1.0";
      String metrics = Poll.until(() -> api.withKey(null).get("/metrics").expect(200).body().toString(),
          m -> m.contains(series), Duration.ofSeconds(15));
      assertTrue(metrics.contains("taskq_oldest_claimable_task_age_seconds{project=\"" + project + "\",type=\"" + type + "\"}"));
    }
  }
}
