package io.taskq.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

public final class Pools {

  private Pools() {
  }

  public static Pool create(Vertx vertx, DatabaseTarget target, int size) {
    PoolOptions options = new PoolOptions()
        .setMaxSize(size)
        .setName("taskq")
        // Requests wait for a connection rather than fail at once when every connection is busy, but not forever.
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout(10);
    return PgBuilder.pool().with(options).connectingTo(target.connectOptions()).using(vertx).build();
  }
}
