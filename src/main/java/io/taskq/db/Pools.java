package io.taskq.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

public final class Pools {

  /** A connection freed within this long is worth waiting for; longer means the database is stuck or gone. */
  static final int CONNECTION_WAIT_SECONDS = 5;
  /** Waiters besides requests: the sweeper, the leader's jobs, the listener's look-ups. */
  static final int BACKGROUND_WAITERS = 32;

  private Pools() {
  }

  /** A pool for tools and tests: waiters as many as a server's default. */
  public static Pool create(Vertx vertx, DatabaseTarget target, int size) {
    return create(vertx, target, size, 1_000);
  }

  /**
   * A pool whose wait queue is bounded by the requests an instance admits at once
   * ({@code requestsInFlight}, see api.Overload): each admitted request waits for at most one
   * connection at a time, so the queue never overflows in normal work, and when it does (or a
   * wait outlasts {@link #CONNECTION_WAIT_SECONDS}) the request fails fast and is answered 503.
   */
  public static Pool create(Vertx vertx, DatabaseTarget target, int size, int requestsInFlight) {
    PoolOptions options = new PoolOptions()
        .setMaxSize(size)
        .setName("taskq")
        .setMaxWaitQueueSize(requestsInFlight + BACKGROUND_WAITERS)
        .setConnectionTimeout(CONNECTION_WAIT_SECONDS);
    return PgBuilder.pool().with(options).connectingTo(target.connectOptions()).using(vertx).build();
  }
}
