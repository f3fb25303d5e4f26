package io.taskq.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Each worker claims up to {@code limit} tasks and completes them all with one
 * {@code POST /projects/{p}/tasks:complete}: two requests per batch. A completion whose
 * outcome is not "completed" counts as an error, as does a request that fails as a whole.
 */
final class ClaimCompleteBatchScenario implements LoadScenario {

  private final TaskqClient client;
  private final ClaimStep claims;

  ClaimCompleteBatchScenario(Vertx vertx, TaskqClient client, long project, int workers, int limit) {
    this.client = client;
    this.claims = new ClaimStep(vertx, client, project, workers, limit);
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
    return claims.claimThen(worker, window, tasks -> completeAll(tasks, window));
  }

  private Future<Void> completeAll(JsonArray tasks, MeasurementWindow window) {
    JsonArray completions = new JsonArray();
    for (int i = 0; i < tasks.size(); i++) {
      JsonObject task = tasks.getJsonObject(i);
      completions.add(new JsonObject().put("id", task.getLong("id")).put("lease_id", task.getString("lease_id")));
    }
    long t0 = System.nanoTime();
    return client.post(claims.tasksPath() + ":complete", new JsonObject().put("completions", completions).toBuffer()).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      boolean ok = window.succeeded(ar, 200, t1, "batch complete");
      window.answered(t0, t1, window.secondLatency, ok);
      JsonObject body = ok ? window.jsonBody(ar.result(), t1, "batch complete") : null;
      if (body != null) {
        countOutcomes(body.getJsonArray("results"), window, t1);
      }
      return Future.succeededFuture();
    });
  }

  private static void countOutcomes(JsonArray results, MeasurementWindow window, long t1) {
    if (results == null) {
      window.error(t1, "batch complete", "the answer has no results");
      return;
    }
    long completed = 0;
    for (int i = 0; i < results.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      if ("completed".equals(result.getString("outcome"))) {
        completed++;
      } else {
        window.error(t1, "batch complete of task " + result.getValue("id"), "outcome " + result.getString("outcome"));
      }
    }
    window.tasks(t1, completed);
  }

  @Override
  public String secondLatencyName() {
    return "batch complete";
  }

  @Override
  public List<String> notes(MeasurementWindow window) {
    return Notes.emptyQueue(window);
  }
}
