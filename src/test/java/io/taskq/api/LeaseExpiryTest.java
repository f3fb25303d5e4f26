package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseExpiryTest extends ServerTest {

  private JsonObject claimWithLease(long project, String worker, int seconds) {
    JsonArray tasks = admin.post("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", worker)
        .put("lease_seconds", seconds)).expect(200).json().getJsonArray("tasks");
    return tasks.isEmpty() ? null : tasks.getJsonObject(0);
  }

  @Test
  void aLapsedLeaseIsReclaimedAndTheOldHolderCanNoLongerFinish() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    JsonObject first = claimWithLease(project, "slow", 1);
    assertEquals(id, first.getLong("id"));

    JsonObject second = Poll.until(() -> claimWithLease(project, "fast", 30), t -> t != null, Duration.ofSeconds(15));
    assertEquals(id, second.getLong("id"));
    assertNotEquals(first.getString("lease_id"), second.getString("lease_id"));
    assertEquals(2, second.getInteger("attempts"));

    String path = "/projects/" + project + "/tasks/" + id;
    admin.post(path + ":complete", new JsonObject().put("lease_id", first.getString("lease_id"))).problem(409);
    admin.post(path + ":heartbeat", new JsonObject().put("lease_id", first.getString("lease_id"))).problem(409);
    admin.post(path + ":complete", new JsonObject().put("lease_id", second.getString("lease_id"))
        .put("result", "done")).expect(200);
    assertEquals("done", admin.get(path).expect(200).json().getString("result"));
    List<String> events = admin.get(path + "/logs").items().stream().map(o -> ((JsonObject) o).getString("event")).toList();
    assertEquals(List.of("created", "claimed", "lease_expired", "claimed", "completed"), events);
  }

  @Test
  void aLapsedLeaseOnTheLastAttemptFailsTheTask() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, new JsonObject().put("type", type).put("max_attempts", 1)).getLong("id");
    claimWithLease(project, "w", 1);
    JsonObject task = Poll.until(() -> admin.get("/projects/" + project + "/tasks/" + id).expect(200).json(),
        t -> !t.getString("status").equals("claimed"), Duration.ofSeconds(15));
    assertEquals("failed", task.getString("status"));
    assertTrue(task.getString("error_message").contains("lease expired"));
  }
}
