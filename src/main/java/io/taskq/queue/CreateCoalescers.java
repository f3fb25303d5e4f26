package io.taskq.queue;

import io.taskq.coalesce.Coalescer;
import io.taskq.coalesce.CoalescerPerKey;
import io.taskq.store.TaskStore;
import io.taskq.store.TaskStore.Insertion;
import io.vertx.core.Future;

/**
 * One create coalescer per project: single creates that arrive while earlier ones are being
 * written go in together, one statement and one commit for the lot (group commit), instead of
 * a commit each. A lone create goes out at once, as before.
 */
final class CreateCoalescers {

  /**
   * Statements in flight per project and instance: one, and a second while the first is slow
   * (see TaskService#CHANGES_IN_FLIGHT). Fewer in flight make bigger batches and fewer commits
   * (create at 64 workers 7,973 tasks/s with two, 2,411-5,041 with four, in interleaved runs;
   * src/site/markdown/benchmarks.md).
   */
  static final Coalescer.InFlight IN_FLIGHT = new Coalescer.InFlight(1, 2, TaskService.SLOW_STATEMENT_MS);
  /** Tasks one statement may insert for all the requests it serves. */
  static final int MAX_TASKS = 1000;

  private final CoalescerPerKey<Long, NewTask, Future<Insertion>> byProject;

  CreateCoalescers(TaskStore store) {
    this.byProject = new CoalescerPerKey<>(p -> new Coalescer<>(
        tasks -> store.insertEachIfAbsent(p, tasks), IN_FLIGHT, MAX_TASKS, t -> 1, null,
        TaskStore::refusedForContent));
  }

  Future<Insertion> create(long projectId, NewTask task) {
    return byProject.submit(projectId, task).compose(CreateCoalescers::settled);
  }

  /**
   * A batch answers once every task's own answer is in (TaskStore#insertEachIfAbsent), and the
   * coalescer hands it over on the request's context. The answer is taken as a plain value:
   * a task that collided was answered by a statement of its own, whose future belongs to the
   * batch's context, and its listeners would otherwise run there instead of on the request's.
   */
  private static Future<Insertion> settled(Future<Insertion> answer) {
    return answer.succeeded() ? Future.succeededFuture(answer.result()) : Future.failedFuture(answer.cause());
  }
}
