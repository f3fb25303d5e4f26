package io.taskq.store.pg;

import io.taskq.queue.TaskType;
import io.taskq.store.TaskTypeStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class PgTaskTypeStore implements TaskTypeStore {

  private final Pool pool;

  public PgTaskTypeStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Registration> insertIfAbsent(String name, String version, JsonObject paramSchema, int maxAttempts, int leaseSeconds) {
    return pool.preparedQuery(TaskTypeSql.INSERT)
        .execute(Tuple.of(name, version, paramSchema.encode(), maxAttempts, leaseSeconds))
        .compose(rows -> {
          if (rows.size() > 0) {
            Row row = rows.iterator().next();
            return Future.succeededFuture(new Registration(Rows.taskType(row), row.getBoolean("applied")));
          }
          // A concurrent registration committed after our snapshot: read it afresh.
          return find(name, version).map(found -> new Registration(found.orElseThrow(), false));
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<List<TaskType>> listAll() {
    return pool.preparedQuery(TaskTypeSql.LIST_ALL).execute().map(PgTaskTypeStore::types).recover(PgErrors.translate());
  }

  @Override
  public Future<Optional<TaskType>> find(String name, String version) {
    return pool.preparedQuery(TaskTypeSql.FIND).execute(Tuple.of(name, version))
        .map(rows -> types(rows).stream().findFirst())
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Optional<TaskType>> setActive(String name, String version, boolean active) {
    return pool.preparedQuery(TaskTypeSql.SET_ACTIVE).execute(Tuple.of(name, version, active))
        .map(rows -> types(rows).stream().findFirst())
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Optional<TaskType>> findNewestActive(String name) {
    return pool.preparedQuery(TaskTypeSql.FIND_NEWEST_ACTIVE).execute(Tuple.of(name))
        .map(rows -> types(rows).stream().findFirst())
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Void> setMaxConcurrency(String name, Integer maxConcurrency) {
    Future<?> change = maxConcurrency == null
        ? pool.preparedQuery(TaskTypeSql.REMOVE_LIMIT).execute(Tuple.of(name))
        : pool.preparedQuery(TaskTypeSql.SET_LIMIT).execute(Tuple.of(name, maxConcurrency));
    return change.<Void>mapEmpty().recover(PgErrors.translate());
  }

  private static List<TaskType> types(RowSet<Row> rows) {
    List<TaskType> types = new ArrayList<>(rows.size());
    for (Row row : rows) {
      types.add(Rows.taskType(row));
    }
    return types;
  }
}
