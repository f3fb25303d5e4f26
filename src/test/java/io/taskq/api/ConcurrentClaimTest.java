package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Many claimers racing over one queue: every task handed out exactly once, none lost. */
class ConcurrentClaimTest extends ServerTest {

  private static final int TASKS = 2000;
  private static final int CLAIMERS = 32;

  @Test
  void thirtyTwoClaimersTakeTwoThousandTasksEachExactlyOnce() {
    long project = newProject();
    String type = newType();
    JsonArray batch = new JsonArray();
    for (int i = 0; i < TASKS; i++) {
      batch.add(new JsonObject().put("type", type).put("external_id", "c" + i));
    }
    admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", batch)).expect(201);

    Map<Long, String> holderByTask = new ConcurrentHashMap<>();
    Set<Long> handedTwice = ConcurrentHashMap.newKeySet();
    List<Future<Integer>> claimers = new ArrayList<>();
    for (int c = 0; c < CLAIMERS; c++) {
      String worker = "w" + c;
      Promise<Integer> done = Promise.promise();
      claimLoop(project, worker, 1 + c % 3, holderByTask, handedTwice, 0, done);
      claimers.add(done.future());
    }
    Future.all(claimers).await();

    assertTrue(handedTwice.isEmpty(), "tasks handed to two holders: " + handedTwice);
    assertEquals(TASKS, holderByTask.size(), "every task was claimed");
    int perClaimerSum = claimers.stream().mapToInt(Future::result).sum();
    assertEquals(TASKS, perClaimerSum, "no task was counted twice");
    assertEquals(TASKS, (long) sql("SELECT count(*) FROM tasks WHERE project_id = $1 AND status = 'completed'", project)
        .iterator().next().getLong(0), "every task was completed once, by its holder");
    assertEquals(TASKS, (long) sql("""
        SELECT count(*) FROM task_logs l JOIN tasks t ON t.id = l.task_id
         WHERE t.project_id = $1 AND l.event = 'claimed'""", project).iterator().next().getLong(0),
        "one claim per task in the audit trail");
  }

  /** Claims and completes until the queue answers empty; counts the tasks this claimer completed. */
  private void claimLoop(long project, String worker, int limit, Map<Long, String> holders, Set<Long> twice, int count,
      Promise<Integer> done) {
    Api api = admin;
    api.postAsync("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", worker).put("limit", limit))
        .compose(response -> {
          JsonArray tasks = response.expect(200).json().getJsonArray("tasks");
          if (tasks.isEmpty()) {
            done.complete(count);
            return Future.succeededFuture();
          }
          List<Future<Api.Response>> completions = new ArrayList<>();
          for (Object o : tasks) {
            JsonObject t = (JsonObject) o;
            if (holders.putIfAbsent(t.getLong("id"), worker) != null) {
              twice.add(t.getLong("id"));
            }
            completions.add(api.postAsync("/projects/" + project + "/tasks/" + t.getLong("id") + ":complete",
                new JsonObject().put("lease_id", t.getString("lease_id"))).map(r -> r.expect(200)));
          }
          return Future.all(completions).onSuccess(v -> claimLoop(project, worker, limit, holders, twice,
              count + tasks.size(), done));
        })
        .onFailure(done::fail);
  }
}
