package io.taskq.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Each worker creates tasks 1000 at a time ({@code POST /projects/{p}/tasks:bulk}). The answer
 * (every created task) is not parsed: the tasks carry no external ids, so a 201 means all were
 * created, and parsing 1000 tasks would spend the generator's CPU on nothing.
 */
final class BulkScenario implements LoadScenario {

  private final TaskqClient client;
  private final String path;
  private final Buffer body;

  BulkScenario(TaskqClient client, long project, String type) {
    this.client = client;
    this.path = TaskBodies.tasksPath(project) + ":bulk";
    this.body = TaskBodies.bulk(type, TaskBodies.BULK_SIZE);
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
    long t0 = System.nanoTime();
    return client.post(path, body).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      boolean ok = window.succeeded(ar, 201, t1, "bulk create");
      window.answered(t0, t1, window.latency, ok);
      if (ok) {
        window.tasks(t1, TaskBodies.BULK_SIZE);
      }
      return Future.succeededFuture();
    });
  }
}
