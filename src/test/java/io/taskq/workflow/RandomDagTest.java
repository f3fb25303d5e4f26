package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskq.support.Api;
import io.taskq.support.DependencyInvariant;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A random graph of 1,000 tasks (fixed seed) posted in one bulk request and worked by 16
 * concurrent claimers: no task is handed out before every requires/blocks prerequisite of it
 * completed, every task ends completed exactly once, and a re-post creates nothing.
 */
class RandomDagTest extends ServerTest {

  private static final int NODES = 1000;
  private static final int CLAIMERS = 16;
  private static final String[] LINK_TYPES = {"requires", "requires", "blocks", "suggests"};

  @Test
  void sixteenClaimersNeverGetATaskBeforeItsPrerequisitesCompleted() {
    long project = newProject();
    String type = newType();
    JsonArray graph = randomGraph(type, new Random(20261204));
    JsonObject posted = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", graph)).expect(201).json();
    assertEquals(NODES, posted.getJsonArray("created").size());

    AtomicInteger completed = new AtomicInteger();
    List<Future<Void>> claimers = new ArrayList<>();
    for (int c = 0; c < CLAIMERS; c++) {
      claimers.add(work(admin, project, "w" + c, completed));
    }
    Future.all(claimers).await();
    assertEquals(NODES, completed.get());

    Row early = sql("""
        SELECT count(*) AS early FROM task_dependencies d
          JOIN tasks t ON t.id = d.task_id JOIN tasks p ON p.id = d.prerequisite_id
         WHERE t.project_id = $1 AND d.link_type <> 'suggests' AND NOT (t.claimed_at > p.completed_at)
        """, project).iterator().next();
    assertEquals(0L, early.getLong("early"), "every dependent was claimed after its prerequisites completed");
    Row links = sql("SELECT count(*) AS n FROM task_dependencies d JOIN tasks t ON t.id = d.task_id WHERE t.project_id = $1",
        project).iterator().next();
    assertEquals((long) countLinks(graph), links.getLong("n"));
    Row claims = sql("""
        SELECT count(*) FILTER (WHERE status = 'completed') AS done, max(attempts) AS most_attempts FROM tasks WHERE project_id = $1
        """, project).iterator().next();
    assertEquals(NODES, claims.getLong("done"));
    assertEquals(1, claims.getInteger("most_attempts"), "no task was handed out twice");

    JsonObject again = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", graph)).expect(201).json();
    assertEquals(0, again.getJsonArray("created").size());
    assertEquals(NODES, again.getJsonArray("skipped").size());
    assertEquals(List.of(), DependencyInvariant.violations(server.sql()));
  }

  /** Claims (long-polling) and completes until every task of the graph is completed. */
  private static Future<Void> work(Api api, long project, String worker, AtomicInteger completed) {
    if (completed.get() >= NODES) {
      return Future.succeededFuture();
    }
    return api.postAsync("/projects/" + project + "/tasks:claim",
            new JsonObject().put("worker_id", worker).put("limit", 1).put("wait_ms", 500))
        .compose(claim -> {
          JsonArray tasks = claim.expect(200).json().getJsonArray("tasks");
          if (tasks.isEmpty()) {
            return work(api, project, worker, completed);
          }
          JsonObject task = tasks.getJsonObject(0);
          return api.postAsync("/projects/" + project + "/tasks/" + task.getLong("id") + ":complete",
                  new JsonObject().put("lease_id", task.getString("lease_id")))
              .compose(done -> {
                done.expect(200);
                completed.incrementAndGet();
                return work(api, project, worker, completed);
              });
        });
  }

  /** Node i depends on up to three earlier nodes; the items are posted shuffled, so refs point both ways. */
  private static JsonArray randomGraph(String type, Random random) {
    List<JsonObject> items = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      JsonArray dependsOn = new JsonArray();
      List<Integer> earlier = new ArrayList<>();
      int links = i == 0 ? 0 : random.nextInt(4);
      for (int k = 0; k < links; k++) {
        int j = random.nextInt(i);
        if (!earlier.contains(j)) {
          earlier.add(j);
          dependsOn.add(new JsonObject().put("ref", "n" + j).put("type", LINK_TYPES[random.nextInt(LINK_TYPES.length)]));
        }
      }
      items.add(new JsonObject().put("type", type).put("external_id", "n" + i).put("depends_on", dependsOn));
    }
    Collections.shuffle(items, random);
    return new JsonArray(new ArrayList<>(items));
  }

  private static int countLinks(JsonArray graph) {
    return graph.stream().mapToInt(o -> ((JsonObject) o).getJsonArray("depends_on").size()).sum();
  }
}
