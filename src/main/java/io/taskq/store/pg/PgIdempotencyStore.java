package io.taskq.store.pg;

import io.taskq.store.IdempotencyStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;

public final class PgIdempotencyStore implements IdempotencyStore {

  private final Pool pool;

  public PgIdempotencyStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Start> begin(UUID apiKeyId, String key, String requestHash, Duration keepFor) {
    return pool.preparedQuery(IdempotencySql.BEGIN)
        .execute(Tuple.of(apiKeyId, key, requestHash, keepFor.toMillis() / 1000.0))
        .map(rows -> {
          if (rows.size() == 0) {
            return (Start) new Busy();
          }
          Row row = rows.iterator().next();
          if (row.getBoolean("started")) {
            return new Started();
          }
          return new Stored(row.getString("request_hash"), row.getInteger("status"), row.getString("content_type"),
              row.getBuffer("body"));
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Void> finish(UUID apiKeyId, String key, int status, String contentType, Buffer body) {
    return pool.preparedQuery(IdempotencySql.FINISH).execute(Tuple.of(apiKeyId, key, status, contentType, body))
        .<Void>mapEmpty().recover(PgErrors.translate());
  }

  @Override
  public Future<Void> abandon(UUID apiKeyId, String key) {
    return pool.preparedQuery(IdempotencySql.ABANDON).execute(Tuple.of(apiKeyId, key))
        .<Void>mapEmpty().recover(PgErrors.translate());
  }
}
