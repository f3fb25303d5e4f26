package io.taskq.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the runs need on the server before they start: a task type (registered once), a fresh
 * project per run, and queues filled by bulk requests. Called from the bench's main thread.
 */
final class BenchFixtures {

  /** Bulk requests in flight while filling: enough to keep a small server's cores busy. */
  private static final int FILL_CONCURRENCY = 4;
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

  /** How a fill went, for the run's notes. */
  record Fill(long tasks, double seconds) {
    double tasksPerSecond() {
      return seconds > 0 ? tasks / seconds : 0;
    }
  }

  private final TaskqClient client;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  BenchFixtures(TaskqClient client) {
    this.client = client;
  }

  /**
   * Registers the bench's task type (version 1, params any object) and answers its name; with a
   * positive {@code maxConcurrency}, the type carries that limit.
   */
  String registerTaskType(int maxConcurrency) throws Exception {
    String name = "bench-" + suffix;
    JsonObject body = new JsonObject().put("name", name).put("version", 1)
        .put("param_schema", new JsonObject().put("type", "object"));
    if (maxConcurrency > 0) {
      body.put("max_concurrency", maxConcurrency);
    }
    expect(Await.result(client.post("/task-types", body.encode()), SETUP_TIMEOUT), 201, "register the task type");
    return name;
  }

  /** Registers the dag scenario's workflow ({@link FanWorkflow}) in the project. */
  void registerFanWorkflow(long project, String type) throws Exception {
    HttpResponse<Buffer> response = Await.result(
        client.post("/projects/" + project + "/workflows", FanWorkflow.definition(type).encode()), SETUP_TIMEOUT);
    expect(response, 201, "register the workflow " + FanWorkflow.NAME);
  }

  long newProject(String label) throws Exception {
    JsonObject body = new JsonObject().put("name", "bench-" + label + "-" + suffix + "-" + UUID.randomUUID().toString().substring(0, 8));
    HttpResponse<Buffer> response = Await.result(client.post("/projects", body.encode()), SETUP_TIMEOUT);
    return expect(response, 201, "create a project").bodyAsJsonObject().getLong("id");
  }

  /**
   * Cancels what a run left in its project's queue. Runs are sized generously, and a backlog
   * left behind by each would make every later run scan and vacuum more than it measures.
   */
  void cancelLeftovers(long project) throws Exception {
    // One statement over the whole backlog: after a fast batch scenario's prefill, millions of
    // tasks, more than a minute of work on a loaded machine.
    Duration timeout = SETUP_TIMEOUT.multipliedBy(20);
    HttpResponse<Buffer> response = Await.result(client.postSlow(TaskBodies.tasksPath(project) + ":cancel", "{}", timeout),
        timeout);
    expect(response, 200, "cancel the run's leftover tasks");
  }

  /** Queues {@code count} pending tasks in the project with concurrent bulk requests. */
  Fill fill(long project, String type, long count) throws Exception {
    if (count <= 0) {
      return new Fill(0, 0);
    }
    Buffer fullBody = TaskBodies.bulk(type, TaskBodies.BULK_SIZE);
    String path = TaskBodies.tasksPath(project) + ":bulk";
    AtomicLong unsent = new AtomicLong(count);
    long t0 = System.nanoTime();
    Future<?>[] senders = new Future<?>[FILL_CONCURRENCY];
    for (int i = 0; i < FILL_CONCURRENCY; i++) {
      senders[i] = sendBulksUntilDone(path, type, fullBody, unsent);
    }
    Duration timeout = SETUP_TIMEOUT.plusSeconds(count / 5_000);
    Await.result(Future.all(java.util.List.of(senders)), timeout);
    return new Fill(count, (System.nanoTime() - t0) / 1e9);
  }

  /** One of the filling loops: takes up to a bulk's worth from {@code unsent} until nothing is left. */
  private Future<Void> sendBulksUntilDone(String path, String type, Buffer fullBody, AtomicLong unsent) {
    Promise<Void> done = Promise.promise();
    sendNextBulk(path, type, fullBody, unsent, done);
    return done.future();
  }

  private void sendNextBulk(String path, String type, Buffer fullBody, AtomicLong unsent, Promise<Void> done) {
    long left = unsent.getAndAdd(-TaskBodies.BULK_SIZE);
    if (left <= 0) {
      done.tryComplete();
      return;
    }
    int size = (int) Math.min(left, TaskBodies.BULK_SIZE);
    Buffer body = size == TaskBodies.BULK_SIZE ? fullBody : TaskBodies.bulk(type, size);
    client.post(path, body).onComplete(ar -> {
      if (ar.failed()) {
        done.tryFail(ar.cause());
      } else if (ar.result().statusCode() != 201) {
        done.tryFail(new IllegalStateException("filling the queue: " + ar.result().statusCode() + " " + ar.result().bodyAsString()));
      } else {
        sendNextBulk(path, type, fullBody, unsent, done);
      }
    });
  }

  private static HttpResponse<Buffer> expect(HttpResponse<Buffer> response, int status, String what) {
    if (response.statusCode() != status) {
      throw new IllegalStateException("could not " + what + ": " + response.statusCode() + " " + response.bodyAsString());
    }
    return response;
  }
}
