package io.taskq.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Each worker claims one task from a prefilled queue, then completes it with
 * {@code POST /projects/{p}/tasks/{id}:complete}: two requests per task. The headline latency
 * is the claim's; the completion's is reported beside it.
 */
final class ClaimCompleteScenario implements LoadScenario {

  private final TaskqClient client;
  private final ClaimStep claims;

  ClaimCompleteScenario(Vertx vertx, TaskqClient client, long project, int workers) {
    this.client = client;
    this.claims = new ClaimStep(vertx, client, project, workers, 1);
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
    return claims.claimThen(worker, window, tasks -> complete(tasks.getJsonObject(0), window));
  }

  private Future<Void> complete(JsonObject task, MeasurementWindow window) {
    long t0 = System.nanoTime();
    String path = claims.tasksPath() + "/" + task.getLong("id") + ":complete";
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
