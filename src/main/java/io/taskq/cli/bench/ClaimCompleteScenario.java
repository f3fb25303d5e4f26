package io.taskq.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Each worker claims one task from a prefilled queue, then completes it with
 * {@code POST /projects/{p}/tasks/{id}:complete}: two requests per task. The headline latency
 * is the claim's; the completion's is reported beside it.
 */
final class ClaimCompleteScenario implements LoadScenario {

  private final Vertx vertx;
  private final TaskqClient client;
  private final String tasksPath;
  private final Buffer[] claimBodies;

  ClaimCompleteScenario(Vertx vertx, TaskqClient client, long project, int workers) {
    this.vertx = vertx;
    this.client = client;
    this.tasksPath = TaskBodies.tasksPath(project);
    this.claimBodies = new Buffer[workers];
    for (int i = 0; i < workers; i++) {
      claimBodies[i] = TaskBodies.claim("w" + i, 1, 0);
    }
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
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
        return vertx.timer(EMPTY_QUEUE_PAUSE_MS);
      }
      return complete(tasks.getJsonObject(0), window);
    });
  }

  private Future<Void> complete(JsonObject task, MeasurementWindow window) {
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

  @Override
  public String secondLatencyName() {
    return "complete";
  }

  @Override
  public List<String> notes(MeasurementWindow window) {
    return Notes.emptyQueue(window);
  }
}
