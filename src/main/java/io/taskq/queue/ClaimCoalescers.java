package io.taskq.queue;

import io.taskq.coalesce.Coalescer;
import io.taskq.coalesce.CoalescerPerKey;
import io.taskq.store.TaskStore;
import io.vertx.core.Future;
import java.util.List;

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

  private record Queue(long projectId, List<String> types) {
  }

  private final CoalescerPerKey<Queue, ClaimRequest, List<Task>> byQueue;

  ClaimCoalescers(TaskStore store) {
    this.byQueue = new CoalescerPerKey<>(q -> new Coalescer<>(
        requests -> store.claimAvailable(q.projectId(), q.types(), requests),
        IN_FLIGHT, MAX_SLOTS, ClaimRequest::limit, null, TaskStore::refusedForContent));
  }

  Future<List<Task>> claim(long projectId, List<String> types, ClaimRequest request) {
    return byQueue.submit(new Queue(projectId, types.stream().distinct().sorted().toList()), request);
  }
}
