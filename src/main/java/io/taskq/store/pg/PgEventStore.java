package io.taskq.store.pg;

import io.taskq.store.EventStore;
import io.taskq.workflow.model.Event;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;

public final class PgEventStore implements EventStore {

  private final Pool pool;

  public PgEventStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Arrival> receive(long projectId, String key, Object payload, Duration retention) {
    Tuple args = Tuple.of(projectId, key, payload == null ? null : Json.encode(payload), retention.toSeconds());
    return pool.withTransaction(conn -> conn.preparedQuery(EventSql.LOCK_KEY).execute(Tuple.of(projectId, key))
            .compose(locked -> conn.preparedQuery(EventSql.RECEIVE).execute(args))
            .map(rows -> arrival(rows.iterator().next())))
        .recover(PgErrors.translate());
  }

  private static Arrival arrival(Row row) {
    Event event = new Event(row.getLong("project_id"), row.getString("key"), Rows.json(row.getValue("payload")),
        row.getOffsetDateTime("received_at").toInstant(), row.getOffsetDateTime("expires_at").toInstant());
    return new Arrival(event, row.getBoolean("created"), row.getLong("released").intValue());
  }
}
