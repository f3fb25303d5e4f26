package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.taskq.error.NotFound;
import io.taskq.queue.NewTask;
import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tasks.project_id is checked once per insert statement (changeset 039), no longer by a foreign
 * key per row: what the key guaranteed still holds, with the key's error, and a project being
 * deleted waits for a transaction inserting its tasks exactly as it waited for the key's lock.
 */
class TaskProjectCheckTest extends ServerTest {

  private static final long NO_PROJECT = 987_654_321L;

  private static NewTask task(String type) {
    return new NewTask(type, "1", null, null, new JsonObject(), 0, null, null, null, null, 3, 300);
  }

  private Throwable failureOf(Future<?> future) {
    return assertInstanceOf(Throwable.class, future.transform(ar -> Future.succeededFuture(ar.cause())).await(),
        "the statement was refused");
  }

  private static PgException pg(Throwable failure) {
    PgException pg = assertInstanceOf(PgException.class, failure);
    assertEquals("23503", pg.getSqlState());
    assertEquals("tasks_project_id_fkey", pg.getConstraint());
    return pg;
  }

  @Test
  void aBulkOrASingleInsertIntoAProjectThatDoesNotExistIsRefusedAsTheKeyRefusedIt() {
    String type = newType();
    List<NewTask> tasks = List.of(task(type), task(type), task(type));
    pg(failureOf(server.sql().preparedQuery(TaskSql.INSERT_ALL).execute(PgTaskStore.bulkArguments(NO_PROJECT, tasks))));
    assertEquals("project not found", assertInstanceOf(NotFound.class,
        PgErrors.translate(failureOf(server.sql().preparedQuery(TaskSql.INSERT_ALL)
            .execute(PgTaskStore.bulkArguments(NO_PROJECT, List.of(task(type))))))).detail());
    assertEquals(0L, sql("SELECT count(*) AS n FROM tasks WHERE project_id = $1", NO_PROJECT).iterator().next().getLong("n"),
        "nothing was written");
    long project = newProject();
    assertEquals(3, server.sql().preparedQuery(TaskSql.INSERT_ALL).execute(PgTaskStore.bulkArguments(project, tasks)).await().size(),
        "a project that exists takes them");
  }

  @Test
  void aTaskCannotMoveToAnotherProject() {
    long project = newProject();
    long other = newProject();
    long id = createTask(project, newType()).getLong("id");
    pg(failureOf(server.sql().preparedQuery("UPDATE tasks SET project_id = $1 WHERE id = $2").execute(Tuple.of(other, id))));
    assertEquals(project, sql("SELECT project_id FROM tasks WHERE id = $1", id).iterator().next().getLong("project_id"));
  }

  @Test
  void aProjectWithTasksCannotBeDeletedAndOneWithoutCan() {
    long used = newProject();
    createTask(used, newType());
    pg(failureOf(server.sql().preparedQuery("DELETE FROM projects WHERE id = $1").execute(Tuple.of(used))));
    long empty = server.sql().query("INSERT INTO projects (name) VALUES ('no tasks " + System.nanoTime() + "') RETURNING id")
        .execute().await().iterator().next().getLong("id");
    assertEquals(1, server.sql().preparedQuery("DELETE FROM projects WHERE id = $1").execute(Tuple.of(empty)).await().rowCount());
  }

  @Test
  void aDeletionOfTheProjectWaitsForTheInsertingTransactionThenFindsItsTasks() {
    long project = server.sql().query("INSERT INTO projects (name) VALUES ('raced " + System.nanoTime() + "') RETURNING id")
        .execute().await().iterator().next().getLong("id");
    String type = newType();
    SqlConnection inserting = server.sql().getConnection().await();
    SqlConnection deleting = server.sql().getConnection().await();
    try {
      Transaction tx = inserting.begin().await();
      inserting.preparedQuery(TaskSql.INSERT_ALL).execute(PgTaskStore.bulkArguments(project, List.of(task(type), task(type)))).await();
      int deleter = deleting.query("SELECT pg_backend_pid() AS pid").execute().await().iterator().next().getInteger("pid");
      Future<?> deletion = deleting.preparedQuery("DELETE FROM projects WHERE id = $1").execute(Tuple.of(project));
      // Watched from the inserting connection: the test's pool may have no third connection to give.
      Poll.until(() -> inserting.preparedQuery("SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1")
          .execute(Tuple.of(deleter)).await().iterator().next().getString("wait_event_type"), "Lock"::equals, Duration.ofSeconds(10));
      assertFalse(deletion.isComplete(), "the deletion waits for the inserting transaction");
      tx.commit().await();
      pg(failureOf(deletion));
    } finally {
      inserting.close().await();
      deleting.close().await();
    }
    assertEquals(2L, sql("SELECT count(*) AS n FROM tasks WHERE project_id = $1", project).iterator().next().getLong("n"));
  }
}
