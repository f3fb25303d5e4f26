package io.taskq.maintenance;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Leader election through a lease row: the instance holding an unexpired lease on
 * "maintenance" runs the periodic jobs. It renews every {@code renewEvery}; if it dies, the
 * lease lapses after {@code ttl} and another instance takes over. A graceful stop releases the
 * lease at once.
 */
public final class Leadership extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(Leadership.class.getName());
  static final String NAME = "maintenance";

  private final Pool pool;
  private final Duration ttl;
  private final Duration renewEvery;
  private final String holder = UUID.randomUUID().toString();
  private volatile boolean leader;
  private volatile boolean abandoned;
  private long timer = -1;

  public Leadership(Pool pool, Duration ttl, Duration renewEvery) {
    this.pool = pool;
    this.ttl = ttl;
    this.renewEvery = renewEvery;
  }

  public boolean isLeader() {
    return leader;
  }

  public String holder() {
    return holder;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(0, renewEvery.toMillis(), id -> renew());
    return Future.succeededFuture();
  }

  /** Stop renewing and never hand the lease back, as a crashed instance would (for failover tests). */
  public void abandon() {
    abandoned = true;
    vertx.cancelTimer(timer);
    leader = false;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    boolean was = leader && !abandoned;
    leader = false;
    return was ? pool.preparedQuery(MaintenanceSql.RELEASE_LEADERSHIP).execute(Tuple.of(NAME, holder)).mapEmpty()
        : Future.succeededFuture();
  }

  private void renew() {
    pool.preparedQuery(MaintenanceSql.CLAIM_LEADERSHIP)
        .execute(Tuple.of(NAME, holder, ttl.toMillis() / 1000.0))
        .onComplete(ar -> {
          boolean now = ar.succeeded() && ar.result().size() > 0;
          if (now != leader) {
            LOG.info(now ? "this instance now leads maintenance (" + holder + ")" : "this instance no longer leads maintenance");
          }
          leader = now;
        });
  }
}
