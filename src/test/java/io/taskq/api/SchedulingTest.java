package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.ServerTest;
import io.taskq.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cancellation by filter, paused queues and max_concurrency, with two instances. */
class SchedulingTest extends ServerTest {

  private TestServer other;
  private Api otherApi;

  @BeforeAll
  void startSecondInstance() {
    other = TestServer.startOn(server.database(), c -> c);
    otherApi = new Api(server.vertx(), other.port(), TestServer.ADMIN_KEY);
  }

  @AfterAll
  void stopSecondInstance() throws Exception {
    other.close();
  }

  @Test
  void cancelByFilterCancelsManyInOneRequest() {
    long project = newProject();
    String a = newType();
    String b = newType();
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < 5; i++) {
      tasks.add(new JsonObject().put("type", a).put("external_id", "run-1-" + i));
      tasks.add(new JsonObject().put("type", b).put("external_id", "run-2-" + i));
    }
    admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", tasks)).expect(201);
    claim(project, "w", 1);
    assertEquals(5, admin.post("/projects/" + project + "/tasks:cancel", new JsonObject().put("external_id_prefix", "run-2-"))
        .expect(200).json().getInteger("cancelled"));
    assertEquals(4, admin.post("/projects/" + project + "/tasks:cancel", new JsonObject().put("type", a).put("status", "pending"))
        .expect(200).json().getInteger("cancelled"));
    assertEquals(1, admin.post("/projects/" + project + "/tasks:cancel", new JsonObject()).expect(200).json().getInteger("cancelled"));
    assertEquals(10, admin.get("/projects/" + project + "/tasks?status=cancelled").items().size());
    admin.post("/projects/" + project + "/tasks:cancel", new JsonObject().put("status", "completed")).problem(422);
  }

  @Test
  void pausedWorkIsNotClaimedUntilResumed() {
    long project = newProject();
    String a = newType();
    String b = newType();
    long ta = createTask(project, a).getLong("id");
    long tb = createTask(project, b).getLong("id");
    JsonObject state = admin.post("/projects/" + project + "/queue:pause", new JsonObject().put("type", a)).expect(200).json();
    assertEquals(List.of(a), state.getJsonArray("paused_types").getList());
    assertEquals(List.of(tb), ids(claim(project, "w", 10)));
    admin.post("/projects/" + project + "/queue:pause", null).expect(200);
    createTask(project, b);
    assertEquals(0, claim(project, "w", 10).size(), "the whole project is paused");
    assertTrue(admin.get("/projects/" + project + "/queue").expect(200).json().getBoolean("paused"));
    admin.post("/projects/" + project + "/queue:resume", null).expect(200);
    assertEquals(1, claim(project, "w", 10).size(), "only the type is still paused");
    admin.post("/projects/" + project + "/queue:resume", new JsonObject().put("type", a)).expect(200);
    assertEquals(List.of(ta), ids(claim(project, "w", 10)));
  }

  @Test
  void maxConcurrencyHoldsAcrossWorkersAndInstances() {
    long project = newProject();
    String type = "limited-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject registered = admin.post("/task-types", new JsonObject().put("name", type).put("version", 1)
        .put("param_schema", new JsonObject().put("type", "object")).put("max_concurrency", 3)).expect(201).json();
    assertEquals(3, registered.getInteger("max_concurrency"));
    String free = newType();
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 20; i++) {
      batch.add(new JsonObject().put("type", type));
    }
    for (int i = 0; i < 5; i++) {
      batch.add(new JsonObject().put("type", free));
    }
    admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", batch)).expect(201);

    List<Future<Api.Response>> racing = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Api api = i % 2 == 0 ? admin : otherApi;
      racing.add(api.postAsync("/projects/" + project + "/tasks:claim", new JsonObject().put("worker_id", "r" + i).put("limit", 3)));
    }
    Future.all(racing).await();
    List<JsonObject> claimed = new ArrayList<>();
    racing.forEach(f -> f.result().expect(200).json().getJsonArray("tasks").forEach(o -> claimed.add((JsonObject) o)));
    assertEquals(3, claimed.stream().filter(t -> t.getString("type").equals(type)).count(), "never more than 3 at once");
    assertEquals(5, claimed.stream().filter(t -> t.getString("type").equals(free)).count(), "other types are not held back");

    JsonObject done = claimed.stream().filter(t -> t.getString("type").equals(type)).findFirst().orElseThrow();
    admin.post("/projects/" + project + "/tasks/" + done.getLong("id") + ":complete",
        new JsonObject().put("lease_id", done.getString("lease_id"))).expect(200);
    JsonArray next = claim(project, "after", 10);
    assertEquals(1, next.size(), "a completion gives its room back");

    admin.post("/task-types", new JsonObject().put("name", type).put("version", 1)
        .put("param_schema", new JsonObject().put("type", "object")).putNull("max_concurrency")).expect(200);
    assertEquals(10, claim(project, "unlimited", 10).size(), "the limit is lifted");
  }

  private static List<Long> ids(JsonArray tasks) {
    return tasks.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
  }
}
