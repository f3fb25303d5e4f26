package io.taskq.store.pg;

import io.taskq.store.WorkflowStore;
import io.taskq.workflow.model.Workflow;
import io.taskq.workflow.model.WorkflowDefinition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class PgWorkflowStore implements WorkflowStore {

  private final Pool pool;

  public PgWorkflowStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Registration> insertIfAbsent(long projectId, String name, int version, WorkflowDefinition definition) {
    Tuple args = Tuple.of(projectId, name, version, definition.toJson().encode());
    return pool.preparedQuery(WorkflowSql.INSERT).execute(args)
        .compose(rows -> rows.size() > 0
            ? Future.succeededFuture(registration(rows.iterator().next()))
            // A concurrent registration committed after our snapshot: read it afresh.
            : pool.preparedQuery(WorkflowSql.FIND_COMPARED).execute(args).map(again -> registration(again.iterator().next())))
        .recover(PgErrors.translate());
  }

  @Override
  public Future<List<Workflow>> listAfter(long projectId, long afterId, int limit) {
    return pool.preparedQuery(WorkflowSql.LIST_AFTER).execute(Tuple.of(projectId, afterId, limit))
        .map(PgWorkflowStore::workflows).recover(PgErrors.translate());
  }

  @Override
  public Future<List<Workflow>> listNamedAfter(long projectId, String name, long afterId, int limit) {
    return pool.preparedQuery(WorkflowSql.LIST_NAMED_AFTER).execute(Tuple.of(projectId, name, afterId, limit))
        .map(PgWorkflowStore::workflows).recover(PgErrors.translate());
  }

  @Override
  public Future<Optional<Workflow>> findNewest(long projectId, String name) {
    return pool.preparedQuery(WorkflowSql.FIND_NEWEST).execute(Tuple.of(projectId, name))
        .map(rows -> workflows(rows).stream().findFirst()).recover(PgErrors.translate());
  }

  @Override
  public Future<Optional<Workflow>> find(long projectId, String name, int version) {
    return pool.preparedQuery(WorkflowSql.FIND).execute(Tuple.of(projectId, name, version))
        .map(rows -> workflows(rows).stream().findFirst()).recover(PgErrors.translate());
  }

  private static Registration registration(Row row) {
    return new Registration(workflow(row), row.getBoolean("created"), row.getBoolean("same_definition"));
  }

  private static List<Workflow> workflows(RowSet<Row> rows) {
    List<Workflow> workflows = new ArrayList<>(rows.size());
    for (Row row : rows) {
      workflows.add(workflow(row));
    }
    return workflows;
  }

  private static Workflow workflow(Row row) {
    return new Workflow(
        row.getLong("id"),
        row.getLong("project_id"),
        row.getString("name"),
        row.getInteger("version"),
        WorkflowDefinition.fromJson((JsonObject) row.getValue("definition")),
        row.getOffsetDateTime("created_at").toInstant());
  }
}
