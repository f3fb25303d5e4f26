package io.taskq.queue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Long-polling claims. A waiter costs a timer and a map entry: no connection and no loop. It
 * tries its claim again when its project is signalled (a task became claimable here or on
 * another instance), when a task it may want comes due, and on a slow timer, so that a lost
 * signal delays work but never strands it. Retries of many waiters on one queue coalesce into
 * one claim statement.
 */
public final class ClaimWaiters {

  /** How often every waiter looks again even without a signal. */
  public static final Duration RECHECK = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Map<Long, Set<Waiter>> byProject = new ConcurrentHashMap<>();
  private final Runnable onWake;
  private volatile boolean closed;
  private final long recheckTimer;

  /** @param onWake counted each time a signal or timer wakes waiters (for metrics) */
  public ClaimWaiters(Vertx vertx, Runnable onWake) {
    this.vertx = vertx;
    this.onWake = onWake;
    this.recheckTimer = vertx.setPeriodic(RECHECK.toMillis(), id -> byProject.keySet().forEach(this::wake));
  }

  /**
   * Waits until {@code attempt} answers tasks, or {@code wait} has passed (then answers the
   * empty list). The attempt is run again on every wake-up of {@code projectId}.
   */
  public Future<List<Task>> await(long projectId, Duration wait, Supplier<Future<List<Task>>> attempt) {
    if (closed) {
      return Future.succeededFuture(List.of());
    }
    Waiter waiter = new Waiter(projectId, attempt, Vertx.currentContext());
    byProject.computeIfAbsent(projectId, p -> ConcurrentHashMap.newKeySet()).add(waiter);
    waiter.deadline = vertx.setTimer(Math.max(1, wait.toMillis()), id -> waiter.expire());
    return waiter.promise.future();
  }

  /** Work may be claimable in {@code projectId} now, or at {@code due}. */
  public void signal(long projectId, Instant due) {
    if (due == null || !due.isAfter(Instant.now())) {
      wake(projectId);
    } else {
      vertx.setTimer(Math.max(1, Duration.between(Instant.now(), due).toMillis()), id -> wake(projectId));
    }
  }

  /** Signals may have been lost: every waiter looks again. */
  public void wakeAll() {
    byProject.keySet().forEach(this::wake);
  }

  public int waiting() {
    return byProject.values().stream().mapToInt(Set::size).sum();
  }

  /** Shutting down: every waiter answers now, with what it has (nothing). */
  public void close() {
    closed = true;
    vertx.cancelTimer(recheckTimer);
    List<Waiter> all = new ArrayList<>();
    byProject.values().forEach(all::addAll);
    all.forEach(Waiter::expire);
  }

  private void wake(long projectId) {
    Set<Waiter> waiters = byProject.get(projectId);
    if (waiters == null || waiters.isEmpty()) {
      return;
    }
    onWake.run();
    for (Waiter w : List.copyOf(waiters)) {
      w.retry();
    }
  }

  private void remove(Waiter waiter) {
    byProject.computeIfPresent(waiter.projectId, (p, set) -> {
      set.remove(waiter);
      return set.isEmpty() ? null : set;
    });
  }

  private final class Waiter {
    final long projectId;
    final Supplier<Future<List<Task>>> attempt;
    final Context context;
    final Promise<List<Task>> promise = Promise.promise();
    long deadline;
    /** Guarded by this: an attempt is in flight; a wake-up meanwhile asks for one more. */
    boolean trying;
    boolean again;
    boolean expired;
    boolean done;

    Waiter(long projectId, Supplier<Future<List<Task>>> attempt, Context context) {
      this.projectId = projectId;
      this.attempt = attempt;
      this.context = context;
    }

    void retry() {
      synchronized (this) {
        if (done) {
          return;
        }
        if (trying) {
          again = true;
          return;
        }
        trying = true;
      }
      run(() -> attempt.get().onComplete(ar -> {
        boolean repeat;
        synchronized (this) {
          trying = false;
          if (ar.succeeded() && !ar.result().isEmpty()) {
            finish(ar.result());
            return;
          }
          if (ar.failed()) {
            finish(null);
            promise.tryFail(ar.cause());
            return;
          }
          if (expired) {
            finish(List.of());
            return;
          }
          repeat = again;
          again = false;
        }
        if (repeat) {
          retry();
        }
      }));
    }

    /** The wait is over. If an attempt is in flight, its answer (maybe tasks) is the one given. */
    void expire() {
      synchronized (this) {
        expired = true;
        if (trying || done) {
          return;
        }
        finish(List.of());
      }
    }

    /** Called holding this. */
    private void finish(List<Task> tasks) {
      if (done) {
        return;
      }
      done = true;
      vertx.cancelTimer(deadline);
      remove(this);
      if (tasks != null) {
        run(() -> promise.tryComplete(tasks));
      }
    }

    private void run(Runnable action) {
      if (context == null || context == Vertx.currentContext()) {
        action.run();
      } else {
        context.runOnContext(v -> action.run());
      }
    }
  }
}
