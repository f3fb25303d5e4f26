package io.taskq.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskq.db.DatabaseTarget;
import io.taskq.support.Api;
import io.taskq.support.Poll;
import io.taskq.support.StatsInvariant;
import io.taskq.support.TestDatabase;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Retention deletes finished tasks: they leave the counts, and stay in the throughput of their minute. */
class StatsRetentionTest {

  @Test
  void tasksDeletedByRetentionLeaveTheCountsButNotTheThroughput() throws Exception {
    DatabaseTarget db = TestDatabase.fresh("stats-retention");
    try (TestServer s = TestServer.startOn(db, c -> c.withRetention(Duration.ofMillis(300), Duration.ofDays(30)))) {
      Api api = new Api(s.vertx(), s.port(), TestServer.ADMIN_KEY);
      long project = api.post("/projects", new JsonObject().put("name", "p-" + UUID.randomUUID())).expect(201).json().getLong("id");
      String type = "type-" + UUID.randomUUID().toString().substring(0, 8);
      api.post("/task-types", new JsonObject().put("name", type).put("version", 1)
          .put("param_schema", new JsonObject().put("type", "object"))).expect(201);
      String tasks = "/projects/" + project + "/tasks";
      long done = api.post(tasks, new JsonObject().put("type", type)).expect(201).json().getLong("id");
      JsonObject claimed = api.post(tasks + ":claim", new JsonObject().put("worker_id", "w")).expect(200).json()
          .getJsonArray("tasks").getJsonObject(0);
      api.post(tasks + "/" + done + ":complete", new JsonObject().put("lease_id", claimed.getString("lease_id"))).expect(200);
      api.post(tasks, new JsonObject().put("type", type)).expect(201);
      assertEquals(1, api.get("/projects/" + project + "/stats").expect(200).json().getJsonObject("by_status").getLong("completed"));

      Poll.until(() -> s.server().runRetention().await(), n -> n >= 1, Duration.ofSeconds(10));
      JsonObject stats = api.get("/projects/" + project + "/stats").expect(200).json();
      assertEquals(0, stats.getJsonObject("by_status").getLong("completed"), "the deleted task left the counts");
      assertEquals(1, stats.getLong("total"));
      long completedInTheHour = stats.getJsonArray("throughput").stream().mapToLong(m -> ((JsonObject) m).getLong("completed")).sum();
      assertEquals(1, completedInTheHour, "its completion stays in the throughput");
      assertEquals(List.of(), StatsInvariant.violations(s.sql()));
    }
  }
}
