package io.taskq.queue;

import io.taskq.error.Invalid;
import io.taskq.notify.ClaimableSignals;
import io.taskq.store.QueuePauseStore;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Pausing and resuming a project's queues: paused work stays pending and is not claimed. A type
 * named in a pause must be registered (some version of it): a misspelt name would otherwise
 * hold nothing and look as if it held something.
 */
public final class QueueControl {

  private final QueuePauseStore store;
  private final ClaimableSignals signals;

  public QueueControl(QueuePauseStore store, ClaimableSignals signals) {
    this.store = store;
    this.signals = signals;
  }

  /** Pauses one type's queue, or with a null type the whole project; answers the paused queues. */
  public Future<PausedQueues> pause(long projectId, String type) {
    if (type == null) {
      return store.pauseProject(projectId);
    }
    return registered(type, () -> store.pauseType(projectId, type));
  }

  /** Resumes and wakes waiting workers: the work they were not given may be theirs now. */
  public Future<PausedQueues> resume(long projectId, String type) {
    Future<PausedQueues> resumed = type == null ? store.resumeProject(projectId)
        : registered(type, () -> store.resumeType(projectId, type));
    return resumed.onSuccess(paused -> signals.announce(projectId, null));
  }

  public Future<PausedQueues> paused(long projectId) {
    return store.paused(projectId);
  }

  private static Future<PausedQueues> registered(String type,
      java.util.function.Supplier<Future<Optional<PausedQueues>>> change) {
    if (!TaskTypeName.isValid(type)) {
      return Future.failedFuture(Invalid.of("/type", "type must be a task type's name (letters, digits and _ . : / -);"
          + " send no type to pause or resume the whole project"));
    }
    return change.get().compose(done -> done.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
        Invalid.of("/type", "no task type named " + type + " is registered"))));
  }
}
