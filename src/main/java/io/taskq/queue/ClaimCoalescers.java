package io.taskq.queue;

import io.taskq.coalesce.Coalescer;
import io.taskq.coalesce.CoalescerPerKey;
import io.taskq.store.TaskStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * One claim coalescer per (project, type filter): concurrent claims on the same queue become one
 * SKIP LOCKED statement, instead of many statements each scanning past the rows the others hold.
 * Idle coalescers are dropped, so arbitrary type filters cannot pile up.
 */
final class ClaimCoalescers {

  /**
   * Statements in flight per queue and instance: one, and a second while the first is slow; the
   * claims that arrive meanwhile share the next statement (see TaskService#CHANGES_IN_FLIGHT).
   */
  static final Coalescer.InFlight IN_FLIGHT = new Coalescer.InFlight(1, 2, TaskService.SLOW_STATEMENT_MS);
  /** Tasks one statement may claim for all the requests it serves. */
  static final int MAX_SLOTS = 1000;

  /** A queue: a project's tasks of some types (none: any type). */
  record Queue(long projectId, List<String> types) {
  }

  private final CoalescerPerKey<Queue, ClaimRequest, List<Task>> byQueue;

  /** @param claim the statement a queue's batch of claims goes out in */
  ClaimCoalescers(BiFunction<Queue, List<ClaimRequest>, Future<List<List<Task>>>> claim) {
    this.byQueue = new CoalescerPerKey<>(q -> new Coalescer<>(requests -> claim.apply(q, requests),
        IN_FLIGHT, MAX_SLOTS, ClaimRequest::limit, null, TaskStore::refusedForContent));
  }

  Future<List<Task>> claim(long projectId, List<String> types, ClaimRequest request) {
    return byQueue.submit(new Queue(projectId, types.stream().distinct().sorted().toList()), request);
  }

  /** The claims waiting on one of the project's queues, for another statement to carry ({@link Coalescer#lend}). */
  Optional<CoalescerPerKey.Lent<Queue, ClaimRequest, List<Task>>> lend(long projectId) {
    return byQueue.lend(q -> q.projectId() == projectId);
  }
}
