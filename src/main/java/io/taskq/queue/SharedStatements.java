package io.taskq.queue;

import io.taskq.coalesce.Coalescer;
import io.taskq.coalesce.CoalescerPerKey;
import io.taskq.store.TaskStore;
import io.taskq.store.TaskStore.Shared;
import io.taskq.store.TaskStore.Transition;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A project's claims and completions, each coalesced as before (claims per queue, completions per
 * project), with one more rule: a statement about to leave carries what waits of the other kind.
 * Claims and completions wait only while their own statements are busy; a claim statement that
 * leaves takes the completions waiting for the project, and a completion statement the claims
 * waiting on one of its queues, in one statement ({@link TaskStore#completeAllAndClaim}). So what
 * waited leaves sooner, and the two kinds share one statement's executor start-up and commit,
 * most of what a small statement costs PostgreSQL. In a claim -> complete loop every worker
 * alternates the two, so under load both kinds wait at once nearly always.
 *
 * <p>A carried batch keeps its fate apart: when the shared statement fails (it then wrote
 * nothing) or cannot be used (a completion's task has dependents), the carried batch is given
 * back to its own coalescer, where it leaves as it would have (and is isolated there if the
 * database refuses its content), and the carrying batch runs alone. A failure of the one kind
 * never fails a request of the other.
 */
final class SharedStatements {

  private final TaskStore store;
  private final Function<List<Transition>, Future<List<Transition>>> afterCompletions;
  private final ClaimCoalescers claims;
  private final CoalescerPerKey<Long, Completion, Transition> completions;

  /**
   * @param afterCompletions what follows a completion batch before it is answered (the release of
   *     the dependents of parents it completed)
   */
  SharedStatements(TaskStore store, Function<List<Transition>, Future<List<Transition>>> afterCompletions) {
    this.store = store;
    this.afterCompletions = afterCompletions;
    this.claims = new ClaimCoalescers(this::claimCarryingCompletions);
    this.completions = new CoalescerPerKey<>(project -> new Coalescer<>(items -> completeCarryingClaims(project, items),
        TaskService.CHANGES_IN_FLIGHT, TaskService.MAX_BATCH, c -> 1, Completion::taskId, TaskStore::refusedForContent));
  }

  Future<List<Task>> claim(long projectId, List<String> types, ClaimRequest request) {
    return claims.claim(projectId, types, request);
  }

  /** The completion coalescers, one per project. */
  CoalescerPerKey<Long, Completion, Transition> completions() {
    return completions;
  }

  private Future<List<List<Task>>> claimCarryingCompletions(ClaimCoalescers.Queue queue, List<ClaimRequest> requests) {
    Optional<Coalescer.Loan<Completion, Transition>> waiting = completions.lend(queue.projectId());
    if (waiting.isEmpty()) {
      return claimAlone(queue, requests);
    }
    Coalescer.Loan<Completion, Transition> carried = waiting.get();
    return store.completeAllAndClaim(carried.items(), queue.projectId(), queue.types(), requests).transform(shared -> {
      if (!usable(shared)) {
        carried.giveBack();
        return claimAlone(queue, requests);
      }
      shared.result().get().completed().compose(afterCompletions).onComplete(completed -> {
        if (completed.succeeded()) {
          carried.answer(completed.result());
        } else {
          carried.fail(completed.cause()); // after the shared statement committed: not to be run again
        }
      });
      return Future.succeededFuture(shared.result().get().claimed());
    });
  }

  private Future<List<Transition>> completeCarryingClaims(long projectId, List<Completion> items) {
    Optional<CoalescerPerKey.Lent<ClaimCoalescers.Queue, ClaimRequest, List<Task>>> waiting = claims.lend(projectId);
    if (waiting.isEmpty()) {
      return completeAlone(items);
    }
    Coalescer.Loan<ClaimRequest, List<Task>> carried = waiting.get().loan();
    return store.completeAllAndClaim(items, projectId, waiting.get().key().types(), carried.items()).transform(shared -> {
      if (!usable(shared)) {
        carried.giveBack();
        return completeAlone(items);
      }
      carried.answer(shared.result().get().claimed());
      return shared.result().get().completed().compose(afterCompletions);
    });
  }

  /** Whether the shared statement ran and succeeded; if not, it wrote nothing. */
  private static boolean usable(AsyncResult<Optional<Shared>> shared) {
    return shared.succeeded() && shared.result().isPresent();
  }

  private Future<List<List<Task>>> claimAlone(ClaimCoalescers.Queue queue, List<ClaimRequest> requests) {
    return store.claimAvailable(queue.projectId(), queue.types(), requests);
  }

  private Future<List<Transition>> completeAlone(List<Completion> items) {
    return store.completeAllIfLeaseHeld(items).compose(afterCompletions);
  }
}
