package io.taskq.auth;

import io.taskq.store.ApiKeyStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records when each API key was last used, without a write on the request path: a use is noted
 * in memory, at most once per key and minute on this instance, and {@link #flush()} (run every
 * {@link #FLUSH_EVERY} by the server) writes every noted key in one statement. A key used a
 * thousand times a minute therefore costs one row update a minute per instance, shared with
 * every other key used in that minute, and a failed write costs only that information.
 */
public final class KeyUsage {

  /** Often enough that {@code last_used_at} lags by less than a minute; rare enough to cost nothing. */
  public static final Duration FLUSH_EVERY = Duration.ofSeconds(30);

  private static final Logger LOG = Logger.getLogger(KeyUsage.class.getName());

  private final ApiKeyStore store;
  private final Clock clock;
  /** The minute (epoch minutes) of each key's last noted use: the once-a-minute filter. */
  private final Map<UUID, Long> notedMinute = new ConcurrentHashMap<>();
  /** Uses noted and not yet written. */
  private final Map<UUID, Instant> pending = new ConcurrentHashMap<>();

  public KeyUsage(ApiKeyStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Notes that the key authenticated a request now; cheap, never blocks, never fails. */
  public void used(UUID keyId) {
    Instant now = clock.instant();
    long minute = minute(now);
    Long before = notedMinute.put(keyId, minute);
    if (before == null || before != minute) {
      pending.put(keyId, now);
    }
  }

  /**
   * Writes the uses noted since the last flush, in one statement (none when there are none);
   * answers how many keys it wrote. A failure is logged, and those uses are noted again to be
   * retried at the next flush unless a newer use replaced them.
   */
  public Future<Integer> flush() {
    Map<UUID, Instant> batch = new HashMap<>();
    for (UUID id : pending.keySet()) {
      Instant at = pending.remove(id);
      if (at != null) {
        batch.put(id, at);
      }
    }
    forgetMinutesBefore(minute(clock.instant()));
    if (batch.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return store.recordUses(batch).recover(failure -> {
      LOG.log(Level.WARNING, "could not record when " + batch.size() + " API keys were last used; will retry", failure);
      batch.forEach(pending::putIfAbsent);
      return Future.succeededFuture(0);
    });
  }

  /** Keeps the filter as small as the set of keys used this minute. */
  private void forgetMinutesBefore(long minute) {
    notedMinute.values().removeIf(noted -> noted < minute);
  }

  private static long minute(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), 60);
  }
}
