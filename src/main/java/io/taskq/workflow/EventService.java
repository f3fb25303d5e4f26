package io.taskq.workflow;

import io.taskq.metrics.Meters;
import io.taskq.notify.ClaimableSignals;
import io.taskq.store.EventStore;
import io.taskq.store.EventStore.Arrival;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * External events: an arrival releases the tasks waiting on its key. Events are idempotent by
 * key and kept for {@code retention}, so that one arriving before the task that waits on it
 * still releases it (the task is then created pending).
 */
public final class EventService {

  private final EventStore store;
  private final Duration retention;
  private final Meters meters;
  private final ClaimableSignals signals;

  public EventService(EventStore store, Duration retention, Meters meters, ClaimableSignals signals) {
    this.store = store;
    this.retention = retention;
    this.meters = meters;
    this.signals = signals;
  }

  /** Records the event (the first payload of a key wins while it is kept) and releases what waited on it. */
  public Future<Arrival> receive(long projectId, String key, Object payload) {
    return store.receive(projectId, key, payload, retention).onSuccess(arrival -> {
      if (arrival.released() > 0) {
        meters.released(projectId, arrival.released());
        signals.announce(projectId, null);
      }
    });
  }
}
