package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Probes, metrics and the served contract. */
class OperationsTest extends ServerTest {

  @Test
  void probesAnswer() {
    assertEquals("UP", anonymous().get("/health/live").expect(200).json().getString("status"));
    assertEquals("UP", anonymous().get("/health/ready").expect(200).json().getString("status"));
  }

  @Test
  void metricsCountTasksByProjectAndTypeAndShowHttpAndPool() {
    long project = newProject();
    String type = newType();
    long id = createTask(project, type).getLong("id");
    JsonObject claimed = claim(project, "m", 1).getJsonObject(0);
    admin.post("/projects/" + project + "/tasks/" + id + ":complete", new JsonObject().put("lease_id", claimed.getString("lease_id")))
        .expect(200);
    String metrics = anonymous().get("/metrics").expect(200).body().toString();
    String labels = "project=\"" + project + "\",type=\"" + type + "\"";
    for (String name : new String[] {"taskq_tasks_enqueued_total", "taskq_tasks_claimed_total", "taskq_tasks_completed_total"}) {
      assertTrue(metrics.contains(name + "{" + labels + "} 1.0"), name + " with " + labels + " in\n" + metrics.lines().filter(l -> l.startsWith("taskq")).toList());
    }
    assertTrue(metrics.contains("taskq_claim_latency_seconds_bucket{long_poll=\"false\",project=\"" + project + "\""),
        "claim latency histogram");
    assertTrue(metrics.contains("taskq_queue_wait_seconds_count{" + labels + "} 1"), "queue wait histogram");
    assertTrue(metrics.contains("vertx_http_server_requests_total"), "HTTP metrics");
    assertTrue(metrics.contains("vertx_pool_in_use"), "pool metrics");
    assertTrue(metrics.contains("\ntaskq_bulk_requests_waiting 0.0"), "bulk requests waiting, none now");
    assertTrue(!metrics.contains("task_id"), "never labelled by task");
  }

  @Test
  void theContractIsServed() {
    String yaml = anonymous().get("/openapi.yaml").expect(200).body().toString();
    assertTrue(yaml.startsWith("openapi: 3"), yaml.substring(0, Math.min(40, yaml.length())));
    assertTrue(yaml.contains("/projects/{projectId}/tasks:claim"));
  }
}
