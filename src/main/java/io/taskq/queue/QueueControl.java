package io.taskq.queue;

import io.taskq.notify.ClaimableSignals;
import io.taskq.store.QueuePauseStore;
import io.vertx.core.Future;
import java.util.List;

/** Pausing and resuming a project's queues: paused work stays pending and is not claimed. */
public final class QueueControl {

  /** The pause of a whole project. */
  public static final String WHOLE_PROJECT = "*";

  private final QueuePauseStore store;
  private final ClaimableSignals signals;

  public QueueControl(QueuePauseStore store, ClaimableSignals signals) {
    this.store = store;
    this.signals = signals;
  }

  /** Pauses one type's queue, or with a null type the whole project; answers the paused queues. */
  public Future<List<String>> pause(long projectId, String type) {
    return store.pause(projectId, type == null ? WHOLE_PROJECT : type);
  }

  /** Resumes and wakes waiting workers: the work they were not given may be theirs now. */
  public Future<List<String>> resume(long projectId, String type) {
    return store.resume(projectId, type == null ? WHOLE_PROJECT : type)
        .onSuccess(paused -> signals.announce(projectId, null));
  }

  public Future<List<String>> paused(long projectId) {
    return store.paused(projectId);
  }
}
