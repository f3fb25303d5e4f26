package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskq.support.ServerTest;
import io.taskq.support.StatsInvariant;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The claim appends its own counter rows and marks its statement so that the update triggers
 * skip it (changeset 038): each change is counted once, and a later statement of the same
 * transaction is counted by the triggers again.
 */
class ClaimCountsItselfTest extends ServerTest {

  private static Tuple claimArgs(long project, String worker, int slots) {
    String[] workers = new String[slots];
    java.util.Arrays.fill(workers, worker);
    return Tuple.tuple().addLong(project).addArrayOfString(new String[0]).addArrayOfString(workers)
        .addArrayOfInteger(new Integer[slots]);
  }

  private long workerCount(long project, String worker, String column) {
    return sql("SELECT coalesce(sum(" + column + "), 0)::bigint AS n FROM (SELECT " + column
        + " FROM worker_deltas WHERE project_id = $1 AND worker_id = $2 UNION ALL SELECT " + column
        + " FROM workers WHERE project_id = $1 AND worker_id = $2) u", project, worker).iterator().next().getLong("n");
  }

  @Test
  void aClaimOfSeveralTasksIsCountedOnceInTheTaskAndWorkerCounters() {
    long project = newProject();
    String type = newType();
    for (int i = 0; i < 3; i++) {
      createTask(project, type);
    }
    createTask(project, new io.vertx.core.json.JsonObject());
    assertEquals(4, server.sql().preparedQuery(TaskSql.CLAIM).execute(claimArgs(project, "w1", 5)).await().size());
    assertEquals(List.of(), StatsInvariant.violations(server.sql()));
    assertEquals(4, workerCount(project, "w1", "claimed"));
  }

  @Test
  void aStatementAfterAClaimInTheSameTransactionIsCountedByTheTriggers() {
    long project = newProject();
    String type = newType();
    createTask(project, type);
    createTask(project, type);
    server.sql().withTransaction(c -> c.preparedQuery(TaskSql.CLAIM).execute(claimArgs(project, "w2", 1))
        .compose(claimed -> {
          Row task = claimed.iterator().next();
          return c.preparedQuery("UPDATE tasks SET status = 'completed', completed_at = now(), lease_expires_at = NULL"
              + " WHERE id = $1").execute(Tuple.of(task.getLong("id")));
        })
        .compose(completed -> c.preparedQuery("UPDATE tasks SET status = 'cancelled' WHERE project_id = $1 AND status = 'pending'")
            .execute(Tuple.of(project)))).await();
    assertEquals(List.of(), StatsInvariant.violations(server.sql()));
    assertEquals(1, workerCount(project, "w2", "claimed"));
    assertEquals(1, workerCount(project, "w2", "completed"), "the completion after the claim reached the worker counters");
  }
}
