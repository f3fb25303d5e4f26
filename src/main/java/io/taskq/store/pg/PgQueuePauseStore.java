package io.taskq.store.pg;

import io.taskq.queue.PausedQueues;
import io.taskq.store.QueuePauseStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class PgQueuePauseStore implements QueuePauseStore {

  /** The row of the whole project's pause (see {@link QueuePauseSql}). */
  private static final String WHOLE_PROJECT = "*";

  private final Pool pool;

  public PgQueuePauseStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<PausedQueues> pauseProject(long projectId) {
    return row(QueuePauseSql.PAUSE_PROJECT, Tuple.of(projectId)).map(PgQueuePauseStore::paused);
  }

  @Override
  public Future<PausedQueues> resumeProject(long projectId) {
    return row(QueuePauseSql.RESUME_PROJECT, Tuple.of(projectId)).map(PgQueuePauseStore::paused);
  }

  @Override
  public Future<Optional<PausedQueues>> pauseType(long projectId, String type) {
    return row(QueuePauseSql.PAUSE_TYPE, Tuple.of(projectId, type)).map(PgQueuePauseStore::ifRegistered);
  }

  @Override
  public Future<Optional<PausedQueues>> resumeType(long projectId, String type) {
    return row(QueuePauseSql.RESUME_TYPE, Tuple.of(projectId, type)).map(PgQueuePauseStore::ifRegistered);
  }

  @Override
  public Future<PausedQueues> paused(long projectId) {
    return row(QueuePauseSql.LIST, Tuple.of(projectId)).map(PgQueuePauseStore::paused);
  }

  private Future<Row> row(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).map(rows -> rows.iterator().next()).recover(PgErrors.translate());
  }

  private static Optional<PausedQueues> ifRegistered(Row row) {
    return row.getBoolean("registered") ? Optional.of(paused(row)) : Optional.empty();
  }

  private static PausedQueues paused(Row row) {
    boolean wholeProject = false;
    List<String> types = new ArrayList<>();
    for (String type : row.getArrayOfStrings("paused")) {
      if (type.equals(WHOLE_PROJECT)) {
        wholeProject = true;
      } else {
        types.add(type);
      }
    }
    return new PausedQueues(wholeProject, types);
  }
}
