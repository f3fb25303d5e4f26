package io.taskq.notify;

import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * Hints that a project has claimable work: "tasks became claimable now" or "tasks come due at
 * this time". Signals cross instances (through PostgreSQL LISTEN/NOTIFY in production). A hint
 * may be lost or late: waiters re-check on a timer, so a lost signal delays work, never strands it.
 */
public interface ClaimableSignals {

  /** Announces claimable work in a project; {@code due} null means now. Never blocks, never fails the caller. */
  void announce(long projectId, Instant due);

  /** Registers the one listener of this instance: called with (project id, due or null for now). */
  void listen(BiConsumer<Long, Instant> listener);

  /** Called when signals may have been lost (a reconnect): every waiter should look again. */
  void onGap(Runnable handler);

  default void close() {
  }
}
