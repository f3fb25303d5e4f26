package io.taskq.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * The claim half of the claiming scenarios: worker i claims up to {@code limit} tasks as "w<i>",
 * records the claim's latency, pauses briefly on an empty queue, and hands what it got to the
 * scenario's way of completing.
 */
final class ClaimStep {

  private final Vertx vertx;
  private final TaskqClient client;
  private final String tasksPath;
  private final Buffer[] claimBodies;

  ClaimStep(Vertx vertx, TaskqClient client, long project, int workers, int limit) {
    this.vertx = vertx;
    this.client = client;
    this.tasksPath = TaskBodies.tasksPath(project);
    this.claimBodies = new Buffer[workers];
    for (int i = 0; i < workers; i++) {
      claimBodies[i] = TaskBodies.claim("w" + i, limit, 0);
    }
  }

  String tasksPath() {
    return tasksPath;
  }

  Future<?> claimThen(int worker, MeasurementWindow window, Function<JsonArray, Future<Void>> complete) {
    long t0 = System.nanoTime();
    return client.post(tasksPath + ":claim", claimBodies[worker]).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      boolean ok = window.succeeded(ar, 200, t1, "claim");
      window.answered(t0, t1, window.latency, ok);
      if (!ok) {
        return Future.succeededFuture();
      }
      JsonObject body = window.jsonBody(ar.result(), t1, "claim");
      JsonArray tasks = body == null ? null : body.getJsonArray("tasks");
      if (tasks == null) {
        return Future.succeededFuture();
      }
      if (tasks.isEmpty()) {
        window.emptyPoll(t1);
        return vertx.timer(LoadScenario.EMPTY_QUEUE_PAUSE_MS).mapEmpty();
      }
      return complete.apply(tasks);
    });
  }

  /** Completes one claimed task, counting it as a task of the window when the server says 200. */
  Future<Void> completeOne(JsonObject task, MeasurementWindow window) {
    long t0 = System.nanoTime();
    String path = tasksPath + "/" + task.getLong("id") + ":complete";
    return client.post(path, TaskBodies.complete(task.getString("lease_id"))).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      boolean ok = window.succeeded(ar, 200, t1, "complete");
      window.answered(t0, t1, window.secondLatency, ok);
      if (ok) {
        window.tasks(t1, 1);
      }
      return Future.succeededFuture();
    });
  }
}
