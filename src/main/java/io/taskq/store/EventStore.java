package io.taskq.store;

import io.taskq.workflow.model.Event;
import io.vertx.core.Future;
import java.time.Duration;

/** External events: their arrival, which releases the tasks that wait on them. */
public interface EventStore {

  /**
   * What an arrival did: the event as stored, whether this call recorded it (false: it was
   * there already, unexpired, and nothing changed), and how many waiting tasks it released.
   */
  record Arrival(Event event, boolean created, int released) {
  }

  /**
   * Records the event unless an unexpired one with its key exists; a new one counts down the
   * tasks waiting on it, hands them its payload and releases those nothing else holds, in the
   * same transaction. {@code payload}: a JSON value, or null for none.
   */
  Future<Arrival> receive(long projectId, String key, Object payload, Duration retention);
}
