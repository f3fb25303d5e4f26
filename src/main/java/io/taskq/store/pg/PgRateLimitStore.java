package io.taskq.store.pg;

import io.taskq.store.RateLimitStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

public final class PgRateLimitStore implements RateLimitStore {

  private final Pool pool;

  public PgRateLimitStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Grant> reserve(UUID apiKeyId, int limit, int chunk) {
    return pool.withTransaction(conn -> conn.preparedQuery(RateLimitSql.OPEN_WINDOW).execute(Tuple.of(apiKeyId))
            .compose(v -> conn.preparedQuery(RateLimitSql.TAKE).execute(Tuple.of(apiKeyId, limit, chunk)))
            .map(rows -> {
              Row row = rows.iterator().next();
              return new Grant(row.getOffsetDateTime("window_start").toInstant(), row.getInteger("granted"));
            }))
        .recover(PgErrors.translate());
  }
}
