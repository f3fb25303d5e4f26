package io.taskq.cli.bench;

import io.vertx.core.Future;

/** Each worker creates one task per request ({@code POST /projects/{p}/tasks}); a task is a request. */
final class CreateScenario implements LoadScenario {

  private final TaskqClient client;
  private final String path;
  private final String type;

  CreateScenario(TaskqClient client, long project, String type) {
    this.client = client;
    this.path = TaskBodies.tasksPath(project);
    this.type = type;
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
    long t0 = System.nanoTime();
    return client.post(path, TaskBodies.task(type, t0)).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      boolean ok = window.succeeded(ar, 201, t1, "create");
      window.answered(t0, t1, window.latency, ok);
      if (ok) {
        window.tasks(t1, 1);
      }
      return Future.succeededFuture();
    });
  }
}
