package io.taskq.auth;

import io.taskq.error.TooManyRequests;
import io.taskq.store.RateLimitStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key limits of requests per minute (fixed, minute-aligned windows), counted across all
 * instances. Each instance reserves small chunks of the key's budget from the database and
 * spends them locally, so most requests cost no round trip, and the instances together never
 * admit more than the limit in a window. The slack is on the safe side: budget an instance
 * reserved but did not spend (at most {@code chunk - 1} per instance and window) is lost; and
 * an instance whose clock lags the database's may spend at most one leftover chunk just after
 * the minute turns.
 */
public final class RateLimiter {

  static final Duration WINDOW = Duration.ofMinutes(1);

  private final RateLimitStore store;
  private final Clock clock;
  private final Runnable onLimited;
  private final Map<UUID, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(RateLimitStore store, Clock clock, Runnable onLimited) {
    this.store = store;
    this.clock = clock;
    this.onLimited = onLimited;
  }

  /** Requests reserved at a time: a twentieth of the limit, so a handful of round trips a minute. */
  static int chunk(int limit) {
    return Math.max(1, limit / 20);
  }

  private static final class Bucket {
    Instant windowEnd = Instant.MIN;
    int tokens;
    boolean spent;
    Future<Void> refill;
  }

  /** Succeeds when the key may make this request now; fails with 429 otherwise. */
  public Future<Void> admit(ApiKey key) {
    Integer limit = key.rateLimitPerMinute();
    if (limit == null) {
      return Future.succeededFuture();
    }
    return admit(key.id(), limit, true);
  }

  private Future<Void> admit(UUID id, int limit, boolean mayRefill) {
    Bucket bucket = buckets.computeIfAbsent(id, k -> new Bucket());
    Future<Void> refill;
    synchronized (bucket) {
      Instant now = clock.instant();
      if (!now.isBefore(bucket.windowEnd)) {
        bucket.tokens = 0;
        bucket.spent = false;
      }
      if (bucket.tokens > 0) {
        bucket.tokens--;
        return Future.succeededFuture();
      }
      if ((bucket.spent && now.isBefore(bucket.windowEnd)) || !mayRefill) {
        return limited(bucket.windowEnd, now, limit);
      }
      if (bucket.refill == null) {
        bucket.refill = store.reserve(id, limit, chunk(limit)).map(grant -> {
          synchronized (bucket) {
            bucket.windowEnd = grant.windowStart().plus(WINDOW);
            bucket.tokens += grant.granted();
            bucket.spent = grant.granted() == 0;
            bucket.refill = null;
          }
          return (Void) null;
        }).onFailure(e -> {
          synchronized (bucket) {
            bucket.refill = null;
          }
        });
      }
      refill = bucket.refill;
    }
    return refill.compose(v -> admit(id, limit, false));
  }

  private Future<Void> limited(Instant windowEnd, Instant now, int limit) {
    onLimited.run();
    long seconds = Math.max(1, (Duration.between(now, windowEnd).toMillis() + 999) / 1000);
    return Future.failedFuture(new TooManyRequests("this API key may make " + limit + " requests a minute", seconds));
  }
}
