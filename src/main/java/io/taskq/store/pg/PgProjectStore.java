package io.taskq.store.pg;

import io.taskq.queue.Project;
import io.taskq.store.ProjectStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class PgProjectStore implements ProjectStore {

  private final Pool pool;

  public PgProjectStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Project> insert(String name) {
    return pool.preparedQuery(ProjectSql.INSERT).execute(Tuple.of(name))
        .map(rows -> Rows.project(rows.iterator().next()))
        .recover(PgErrors.translate());
  }

  @Override
  public Future<List<Project>> listAll() {
    return pool.preparedQuery(ProjectSql.LIST_ALL).execute()
        .map(rows -> {
          List<Project> projects = new ArrayList<>(rows.size());
          for (Row row : rows) {
            projects.add(Rows.project(row));
          }
          return projects;
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Optional<Project>> findById(long id) {
    return pool.preparedQuery(ProjectSql.FIND).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.<Project>empty() : Optional.of(Rows.project(rows.iterator().next())))
        .recover(PgErrors.translate());
  }
}
