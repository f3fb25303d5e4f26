package io.taskq.notify;

import java.time.Instant;
import java.util.function.BiConsumer;

/** Signals within one process only: for tests, and for a single instance with no database listener. */
public final class InMemoryClaimableSignals implements ClaimableSignals {

  private volatile BiConsumer<Long, Instant> listener = (p, d) -> { };

  @Override
  public void announce(long projectId, Instant due) {
    listener.accept(projectId, due);
  }

  @Override
  public void listen(BiConsumer<Long, Instant> listener) {
    this.listener = listener;
  }

  @Override
  public void onGap(Runnable handler) {
    // nothing is ever lost in memory
  }
}
