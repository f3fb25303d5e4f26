package io.taskq.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Each worker claims one task from a prefilled queue, then completes it with
 * {@code POST /projects/{p}/tasks/{id}:complete}: two requests per task. The headline latency
 * is the claim's; the completion's is reported beside it.
 */
final class ClaimCompleteScenario implements LoadScenario {

  private final ClaimStep claims;

  ClaimCompleteScenario(Vertx vertx, TaskqClient client, long project, int workers) {
    this.claims = new ClaimStep(vertx, client, project, workers, 1);
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
    return claims.claimThen(worker, window, tasks -> claims.completeOne(tasks.getJsonObject(0), window));
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
