package io.taskq.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/** Whether the database answers, for the readiness probe. */
public final class DatabaseHealth {

  private final Pool pool;

  public DatabaseHealth(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }
}
