package io.taskq.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.UUID;

/** Per-key request budgets per minute, shared by every instance. */
public interface RateLimitStore {

  /** Requests an instance may admit in the window starting at {@code windowStart} (0: the window is spent). */
  record Grant(Instant windowStart, int granted) {
  }

  /** Takes up to {@code chunk} requests from the key's budget of {@code limit} for the current minute. */
  Future<Grant> reserve(UUID apiKeyId, int limit, int chunk);
}
