package io.taskq.store.pg;

import io.taskq.store.QueuePauseStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

public final class PgQueuePauseStore implements QueuePauseStore {

  private final Pool pool;

  public PgQueuePauseStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<List<String>> pause(long projectId, String type) {
    return types(QueuePauseSql.PAUSE, Tuple.of(projectId, type));
  }

  @Override
  public Future<List<String>> resume(long projectId, String type) {
    return types(QueuePauseSql.RESUME, Tuple.of(projectId, type));
  }

  @Override
  public Future<List<String>> paused(long projectId) {
    return types(QueuePauseSql.LIST, Tuple.of(projectId));
  }

  private Future<List<String>> types(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<String> types = new ArrayList<>(rows.size());
      for (Row row : rows) {
        types.add(row.getString("type"));
      }
      return types;
    }).recover(PgErrors.translate());
  }
}
