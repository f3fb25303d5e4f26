package io.taskq.cli.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Request bodies the scenarios send, encoded once where they do not vary. */
final class TaskBodies {

  /** Tasks per bulk request: the bulk scenario's unit and the prefill's. */
  static final int BULK_SIZE = 1000;

  private TaskBodies() {
  }

  static String task(String type, long n) {
    return new JsonObject().put("type", type).put("params", new JsonObject().put("n", n)).encode();
  }

  static String taskWithExternalId(String type, long n, String externalId) {
    return new JsonObject().put("type", type).put("params", new JsonObject().put("n", n))
        .put("external_id", externalId).encode();
  }

  /** {@code {"tasks": [...]}} of {@code size} tasks without external ids, so one body can be sent many times. */
  static Buffer bulk(String type, int size) {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < size; i++) {
      tasks.add(new JsonObject().put("type", type).put("params", new JsonObject().put("n", i)));
    }
    return new JsonObject().put("tasks", tasks).toBuffer();
  }

  static Buffer claim(String workerId, int limit, int waitMs) {
    JsonObject body = new JsonObject().put("worker_id", workerId).put("limit", limit);
    if (waitMs > 0) {
      body.put("wait_ms", waitMs);
    }
    return body.toBuffer();
  }

  static String complete(String leaseId) {
    return new JsonObject().put("lease_id", leaseId).encode();
  }

  static String tasksPath(long project) {
    return "/projects/" + project + "/tasks";
  }
}
