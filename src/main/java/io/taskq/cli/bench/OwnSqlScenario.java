package io.taskq.cli.bench;

import io.taskq.queue.Completion;
import io.taskq.queue.Task;
import io.taskq.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * A bound of the batch claiming scenarios: taskq's own SQL through the PostgreSQL client,
 * without HTTP (the naive SQL of {@link NaiveSql} claims one task at a time, so it bounds
 * claim-complete only). A worker claims with one SKIP LOCKED statement, then completes what it
 * claimed with one batch complete statement, as the HTTP batch scenario's one batch request does
 * (completing each task with a statement of its own, all at once, queued 32 x 100 statements on
 * the pool and overflowed its wait queue). Whatever taskq adds
 * on top (HTTP, JSON, auth, validation) shows as the gap between a run and its baseline.
 */
final class OwnSqlScenario implements LoadScenario {

  private final Vertx vertx;
  private final TaskStore store;
  private final long project;
  private final int limit;

  OwnSqlScenario(Vertx vertx, TaskStore store, long project, int limit) {
    this.vertx = vertx;
    this.store = store;
    this.project = project;
    this.limit = limit;
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
    long t0 = System.nanoTime();
    return store.claimAvailable(project, "w" + worker, List.of(), limit, null).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      window.answered(t0, t1, window.latency, ar.succeeded());
      if (ar.failed()) {
        window.error(t1, "claim", ar.cause().toString());
        return Future.succeededFuture();
      }
      List<Task> tasks = ar.result();
      if (tasks.isEmpty()) {
        window.emptyPoll(t1);
        return vertx.timer(EMPTY_QUEUE_PAUSE_MS);
      }
      return complete(tasks, window);
    });
  }

  private Future<Void> complete(List<Task> tasks, MeasurementWindow window) {
    List<Completion> completions = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      completions.add(new Completion(project, task.id(), task.leaseId(), null));
    }
    long t0 = System.nanoTime();
    return store.completeAllIfLeaseHeld(completions).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      window.answered(t0, t1, window.secondLatency, ar.succeeded());
      if (ar.failed()) {
        window.error(t1, "batch complete", ar.cause().toString());
        return Future.succeededFuture();
      }
      long applied = ar.result().stream().filter(t -> t.applied()).count();
      window.tasks(t1, applied);
      if (applied < tasks.size()) {
        window.error(t1, "batch complete", (tasks.size() - applied) + " leases were not held");
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
