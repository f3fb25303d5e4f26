package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.ServerTest;
import io.taskq.support.StatsInvariant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The claim and the completion append their own counter rows and mark their statement so that
 * the update triggers skip it (changeset 038): each change is counted once (the recount invariant
 * sees a change counted twice as well as one missed), and a later statement of the same
 * transaction is counted by the triggers again.
 */
class StatementsCountThemselvesTest extends ServerTest {

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
    createTask(project, new JsonObject());
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

  private JsonArray completeAll(long project, JsonArray claimed) {
    JsonArray completions = new JsonArray();
    for (int i = 0; i < claimed.size(); i++) {
      JsonObject task = claimed.getJsonObject(i);
      completions.add(new JsonObject().put("id", task.getLong("id")).put("lease_id", task.getString("lease_id")));
    }
    return admin.post("/projects/" + project + "/tasks:complete", new JsonObject().put("completions", completions)).expect(200)
        .json().getJsonArray("results");
  }

  private String status(long project, long task) {
    return admin.get("/projects/" + project + "/tasks/" + task).expect(200).json().getString("status");
  }

  @Test
  void aCompletionOfSeveralTasksIsCountedOnceWithItsWorkersProcessingTime() {
    long project = newProject();
    String type = newType();
    for (int i = 0; i < 3; i++) {
      createTask(project, type);
    }
    createTask(project, new JsonObject());
    JsonArray claimed = claim(project, "w3", 4);
    assertEquals(4, claimed.size());
    completeAll(project, claimed).forEach(r -> assertEquals("completed", ((JsonObject) r).getString("outcome")));
    assertEquals(List.of(), StatsInvariant.violations(server.sql()));
    assertEquals(4, workerCount(project, "w3", "completed"));
    long processing = sql("SELECT sum((extract(epoch FROM completed_at - claimed_at) * 1000000)::bigint)::bigint AS us"
        + " FROM tasks WHERE project_id = $1", project).iterator().next().getLong("us");
    assertTrue(processing > 0);
    assertEquals(processing, workerCount(project, "w3", "processing_us"), "the worker's processing time is its tasks'");
  }

  @Test
  void aCompletionThatReleasesDependentsAndCompletesAParentCountsEveryChangeOnce() {
    long project = newProject();
    String type = newType();
    long prerequisite = createTask(project, type).getLong("id");
    long other = createTask(project, type).getLong("id");
    JsonArray onPrerequisite = new JsonArray().add(new JsonObject().put("task_id", prerequisite));
    long released = createTask(project, new JsonObject().put("type", type).put("depends_on", onPrerequisite)).getLong("id");
    long stillBlocked = createTask(project, new JsonObject().put("type", type).put("depends_on",
        onPrerequisite.copy().add(new JsonObject().put("task_id", other)))).getLong("id");
    long parent = createTask(project, new JsonObject().put("type", type).put("complete_when_children_done", true)).getLong("id");
    long child = createTask(project, new JsonObject().put("type", type).put("parent_id", parent)).getLong("id");
    assertEquals(List.of(), StatsInvariant.violations(server.sql()));

    JsonArray claimed = new JsonArray();
    for (Object o : claim(project, "w4", 10)) {
      long id = ((JsonObject) o).getLong("id");
      if (id == prerequisite || id == child) {
        claimed.add(o);
      }
    }
    assertEquals(2, claimed.size(), "the prerequisite and the child are claimable");
    completeAll(project, claimed).forEach(r -> assertEquals("completed", ((JsonObject) r).getString("outcome")));

    assertEquals("pending", status(project, released));
    assertEquals("blocked", status(project, stillBlocked));
    assertEquals("completed", status(project, parent), "the parent completed with its child, in the same statement");
    assertEquals(List.of(), StatsInvariant.violations(server.sql()));
    assertEquals(2, workerCount(project, "w4", "completed"));
  }
}
