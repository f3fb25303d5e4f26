package io.taskq.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Claimable signals over PostgreSQL LISTEN/NOTIFY: one listening connection per instance
 * (PgSubscriber, which reconnects by itself), and NOTIFYs sent from the pool outside the
 * transactions that create work. Sending them apart matters: a transaction that notifies takes
 * a database-wide lock at commit, which would serialise every task insert; here a burst of
 * announcements becomes one short NOTIFY statement.
 *
 * <p>Payload: {@code <instance>|<project id>|<due epoch ms or empty>}. An instance wakes its own
 * waiters directly and ignores its own echo.
 */
public final class PgClaimableSignals implements ClaimableSignals, KeyRevocations {

  static final String CHANNEL = "taskq_claimable";
  static final String REVOKED_CHANNEL = "taskq_key_revoked";
  /** $1 the revoked key's id. */
  private static final String NOTIFY_REVOKED = "SELECT pg_notify('taskq_key_revoked', $1)";
  private static final Logger LOG = Logger.getLogger(PgClaimableSignals.class.getName());
  /** $1 payloads text[]: one NOTIFY each, in one statement. */
  private static final String NOTIFY = "SELECT pg_notify('taskq_claimable', p) FROM unnest($1::text[]) AS p";
  /** Reconnect every second, for ever: a lost listener only delays wake-ups (waiters re-check on a timer). */
  private static final long RECONNECT_DELAY_MS = 1000;

  private final String instance = UUID.randomUUID().toString();
  private final PgSubscriber subscriber;
  private final Pool pool;
  /**
   * Payloads waiting for the next NOTIFY statement; one statement is in flight at most. An
   * identical payload already waiting adds nothing, so a burst of creates in one project
   * costs one NOTIFY, while one announced during a send goes out in the next.
   */
  private final Set<String> waiting = new LinkedHashSet<>();
  private boolean sending;
  private volatile BiConsumer<Long, Instant> listener = (p, d) -> { };
  private volatile Runnable gapHandler = () -> { };
  private volatile Consumer<UUID> revocationListener = id -> { };

  private PgClaimableSignals(Vertx vertx, PgConnectOptions connectOptions, Pool pool) {
    this.subscriber = PgSubscriber.subscriber(vertx, connectOptions).reconnectPolicy(retries -> RECONNECT_DELAY_MS);
    this.pool = pool;
  }

  /** Connects the listening connection; answers once LISTEN is in place. */
  public static Future<PgClaimableSignals> start(Vertx vertx, PgConnectOptions connectOptions, Pool pool) {
    PgClaimableSignals signals = new PgClaimableSignals(vertx, connectOptions, pool);
    signals.subscriber.channel(CHANNEL)
        .handler(signals::received)
        // (Re)subscribed: anything sent while we were away is lost, so everyone looks again.
        .subscribeHandler(v -> signals.gapHandler.run());
    signals.subscriber.channel(REVOKED_CHANNEL).handler(payload -> {
      try {
        signals.revocationListener.accept(UUID.fromString(payload));
      } catch (IllegalArgumentException e) {
        LOG.fine("ignoring a malformed revocation: " + payload);
      }
    });
    signals.subscriber.closeHandler(v -> LOG.warning("the LISTEN connection closed; reconnecting"));
    return signals.subscriber.connect().map(v -> signals);
  }

  @Override
  public void announce(long projectId, Instant due) {
    listener.accept(projectId, due);
    String payload = instance + "|" + projectId + "|" + (due == null ? "" : Long.toString(due.toEpochMilli()));
    synchronized (waiting) {
      waiting.add(payload);
      if (sending) {
        return;
      }
      sending = true;
    }
    sendWaiting();
  }

  private void sendWaiting() {
    String[] batch;
    synchronized (waiting) {
      if (waiting.isEmpty()) {
        sending = false;
        return;
      }
      batch = waiting.toArray(String[]::new);
      waiting.clear();
    }
    pool.preparedQuery(NOTIFY).execute(Tuple.of((Object) batch)).onComplete(ar -> {
      if (ar.failed()) {
        LOG.log(Level.FINE, "NOTIFY failed; waiters will re-check on their timer", ar.cause());
      }
      sendWaiting();
    });
  }

  private void received(String payload) {
    String[] parts = payload.split("\\|", -1);
    if (parts.length != 3 || parts[0].equals(instance)) {
      return;
    }
    try {
      long projectId = Long.parseLong(parts[1]);
      Instant due = parts[2].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(parts[2]));
      listener.accept(projectId, due);
    } catch (NumberFormatException e) {
      LOG.fine("ignoring a malformed signal: " + payload);
    }
  }

  @Override
  public void listen(BiConsumer<Long, Instant> listener) {
    this.listener = listener;
  }

  @Override
  public void onGap(Runnable handler) {
    this.gapHandler = handler;
  }

  /** Revocations are rare: each is its own NOTIFY, to every instance (this one included). */
  @Override
  public void announce(UUID keyId) {
    pool.preparedQuery(NOTIFY_REVOKED).execute(Tuple.of(keyId.toString()))
        .onFailure(e -> LOG.log(Level.WARNING, "could not tell other instances about revoked key " + keyId
            + "; their caches drop it when the entry expires", e));
  }

  @Override
  public void listen(Consumer<UUID> listener) {
    this.revocationListener = listener;
  }

  @Override
  public void close() {
    subscriber.close();
  }
}
