package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.DependencyInvariant;
import io.taskq.support.Poll;
import io.taskq.support.ServerTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** External events: {"event": key} in depends_on holds a task until POST .../events with that key arrives. */
class EventTest extends ServerTest {

  @AfterEach
  void countsAgreeWithLinksAndWaits() {
    assertEquals(List.of(), DependencyInvariant.violations(server.sql()));
  }

  private static JsonObject onEvent(String key) {
    return new JsonObject().put("event", key);
  }

  private static JsonObject onEvent(String key, String type) {
    return onEvent(key).put("type", type);
  }

  private JsonObject createWaiting(long project, String type, JsonObject... prerequisites) {
    return createTask(project, new JsonObject().put("type", type).put("depends_on", new JsonArray(List.of((Object[]) prerequisites))));
  }

  private Api.Response sendEvent(long project, String key, Object payload) {
    JsonObject body = new JsonObject().put("key", key);
    if (payload != null) {
      body.put("payload", payload);
    }
    return admin.post("/projects/" + project + "/events", body);
  }

  private JsonObject task(long project, long id) {
    return admin.get("/projects/" + project + "/tasks/" + id).expect(200).json();
  }

  private JsonArray logs(long project, long id) {
    return admin.get("/projects/" + project + "/tasks/" + id + "/logs").items();
  }

  private long waits(long project) {
    return sql("SELECT count(*) FROM task_event_waits WHERE project_id = $1", project).iterator().next().getLong(0);
  }

  private void claimAndComplete(long project, long id) {
    JsonArray claimed = claim(project, "w", 1);
    assertEquals(1, claimed.size(), "one task is claimable");
    assertEquals(id, claimed.getJsonObject(0).getLong("id"));
    admin.post("/projects/" + project + "/tasks/" + id + ":complete",
        new JsonObject().put("lease_id", claimed.getJsonObject(0).getString("lease_id"))).expect(200);
  }

  @Test
  void anEventThatArrivedBeforeItsTaskLetsTheTaskStartPendingWithThePayload() {
    long project = newProject();
    String type = newType();
    JsonObject event = sendEvent(project, "invoice-paid", new JsonObject().put("amount", 42)).expect(201).json();
    assertEquals("invoice-paid", event.getString("key"));
    assertEquals(project, event.getLong("project_id"));
    assertEquals(42, event.getJsonObject("payload").getInteger("amount"));
    assertEquals(0, event.getInteger("released"));

    JsonObject waiting = createWaiting(project, type, onEvent("invoice-paid"));
    assertEquals("pending", waiting.getString("status"));
    assertEquals(0, waiting.getInteger("unmet_prerequisites"));
    assertEquals(42, waiting.getJsonObject("event_payloads").getJsonObject("invoice-paid").getInteger("amount"));
    assertEquals(0, waits(project), "an arrived event leaves nothing to wait on");
    claimAndComplete(project, waiting.getLong("id"));
  }

  @Test
  void anEventArrivingAfterItsTaskReleasesItWithThePayloadAndWakesALongPoll() {
    long project = newProject();
    String type = newType();
    JsonObject waiting = createWaiting(project, type, onEvent("shipment"));
    long id = waiting.getLong("id");
    assertEquals("blocked", waiting.getString("status"));
    assertEquals(1, waiting.getInteger("unmet_prerequisites"));
    assertNull(waiting.getValue("event_payloads"));
    assertEquals(0, claim(project, "w", 1).size(), "a waiting task is never claimed");

    Future<Api.Response> longPoll = admin.postAsync("/projects/" + project + "/tasks:claim",
        new JsonObject().put("worker_id", "lp").put("wait_ms", 15_000));
    Poll.until(() -> server.server().waitingClaims(), n -> n == 1, Duration.ofSeconds(10));
    long sent = System.nanoTime();
    JsonObject event = sendEvent(project, "shipment", new JsonArray().add("box-1").add("box-2")).expect(201).json();
    assertEquals(1, event.getInteger("released"));

    JsonArray claimed = longPoll.await().expect(200).json().getJsonArray("tasks");
    long tookMs = (System.nanoTime() - sent) / 1_000_000;
    assertEquals(1, claimed.size());
    assertEquals(id, claimed.getJsonObject(0).getLong("id"));
    assertTrue(tookMs < 5_000, "woken by the release, not by the end of the wait: " + tookMs + " ms");
    assertEquals(new JsonArray().add("box-1").add("box-2"), claimed.getJsonObject(0).getJsonObject("event_payloads").getJsonArray("shipment"));
    JsonObject released = logs(project, id).getJsonObject(1);
    assertEquals("released", released.getString("event"));
    assertEquals(new JsonObject().put("cause", "event").put("event", "shipment"), released.getJsonObject("metadata"));
    assertEquals(0, waits(project));
  }

  @Test
  void aTaskWaitingOnTwoEventsAndATaskIsReleasedByTheLastOfThemWithBothPayloads() {
    long project = newProject();
    String type = newType();
    long prerequisite = createTask(project, type).getLong("id");
    JsonObject waiting = createWaiting(project, type, onEvent("a"), new JsonObject().put("task_id", prerequisite), onEvent("b"));
    long id = waiting.getLong("id");
    assertEquals(3, waiting.getInteger("unmet_prerequisites"));

    assertEquals(0, sendEvent(project, "a", "first").expect(201).json().getInteger("released"));
    JsonObject afterA = task(project, id);
    assertEquals("blocked", afterA.getString("status"));
    assertEquals(2, afterA.getInteger("unmet_prerequisites"));
    assertEquals(new JsonObject().put("a", "first"), afterA.getJsonObject("event_payloads"));

    claimAndComplete(project, prerequisite);
    assertEquals(1, task(project, id).getInteger("unmet_prerequisites"));

    assertEquals(1, sendEvent(project, "b", null).expect(201).json().getInteger("released"));
    JsonObject released = task(project, id);
    assertEquals("pending", released.getString("status"));
    assertEquals(new JsonObject().put("a", "first").putNull("b"), released.getJsonObject("event_payloads"),
        "an event without a payload is there, as null");
    JsonArray log = logs(project, id);
    assertEquals("b", log.getJsonObject(log.size() - 1).getJsonObject("metadata").getString("event"));
    claimAndComplete(project, id);
  }

  @Test
  void theSameKeyAgainIs200WithTheFirstPayloadAndCountsNothingTwice() {
    long project = newProject();
    String type = newType();
    long id = createWaiting(project, type, onEvent("once"), onEvent("other")).getLong("id");

    JsonObject first = sendEvent(project, "once", 1).expect(201).json();
    JsonObject again = sendEvent(project, "once", 2).expect(200).json();
    assertEquals(1, again.getInteger("payload"), "the first payload wins");
    assertEquals(first.getString("received_at"), again.getString("received_at"));
    assertEquals(first.getString("expires_at"), again.getString("expires_at"));
    assertEquals(0, again.getInteger("released"));
    JsonObject stillWaiting = task(project, id);
    assertEquals("blocked", stillWaiting.getString("status"));
    assertEquals(1, stillWaiting.getInteger("unmet_prerequisites"), "counted down once, not twice");
    assertEquals(new JsonObject().put("once", 1), stillWaiting.getJsonObject("event_payloads"));

    JsonObject later = createWaiting(project, type, onEvent("once"));
    assertEquals("pending", later.getString("status"));
    assertEquals(new JsonObject().put("once", 1), later.getJsonObject("event_payloads"));
    assertEquals(1, sendEvent(project, "other", null).expect(201).json().getInteger("released"));
  }

  @Test
  void requiresAndBlocksOnAnEventBothHoldUntilItArrives() {
    long project = newProject();
    String type = newType();
    long requires = createWaiting(project, type, onEvent("go", "requires")).getLong("id");
    long blocks = createWaiting(project, type, onEvent("go", "blocks")).getLong("id");
    long byDefault = createWaiting(project, type, onEvent("go")).getLong("id");
    for (long id : new long[] {requires, blocks, byDefault}) {
      assertEquals("blocked", task(project, id).getString("status"));
    }
    // The same key in another project is another event.
    long otherProject = newProject();
    assertEquals(0, sendEvent(otherProject, "go", null).expect(201).json().getInteger("released"));
    assertEquals("blocked", task(project, requires).getString("status"));

    assertEquals(3, sendEvent(project, "go", true).expect(201).json().getInteger("released"));
    for (long id : new long[] {requires, blocks, byDefault}) {
      assertEquals("pending", task(project, id).getString("status"));
      assertEquals(new JsonObject().put("go", true), task(project, id).getJsonObject("event_payloads"));
    }
  }

  @Test
  void badEventsAndBadEventDependenciesAre422NamingTheField() {
    long project = newProject();
    String type = newType();
    String events = "/projects/" + project + "/events";
    assertEquals("/key", admin.post(events, new JsonObject().put("key", "")).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/key", admin.post(events, new JsonObject().put("key", " \t")).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/key", admin.post(events, new JsonObject().put("key", "k".repeat(256))).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/key", admin.post(events, new JsonObject().put("payload", 1)).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/when", admin.post(events, new JsonObject().put("key", "k").put("when", "now")).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/payload/n", admin.postRaw(events, "{\"key\": \"k\", \"payload\": {\"n\": 1e400}}", "application/json")
        .problem(422).getJsonArray("errors").getJsonObject(0).getString("pointer"));
    admin.post("/projects/999999999/events", new JsonObject().put("key", "k")).problem(404);
    assertEquals(201, sendEvent(project, "k".repeat(255), null).status(), "255 characters is the longest key");

    String tasks = "/projects/" + project + "/tasks";
    assertEquals("/depends_on/0/event", admin.post(tasks, new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(onEvent("")))).problem(422).getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/depends_on/0/type", admin.post(tasks, new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(onEvent("k", "suggests")))).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/depends_on/0/when", admin.post(tasks, new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(onEvent("k").put("when", 1)))).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals("/depends_on/1/event", admin.post(tasks, new JsonObject().put("type", type)
        .put("depends_on", new JsonArray().add(onEvent("k")).add(onEvent("k", "blocks")))).problem(422)
        .getJsonArray("errors").getJsonObject(0).getString("pointer"));
    JsonObject twiceInBulk = admin.post(tasks + ":bulk", new JsonObject().put("tasks", new JsonArray()
        .add(new JsonObject().put("type", type))
        .add(new JsonObject().put("type", type).put("depends_on", new JsonArray().add(onEvent("e")).add(onEvent("e"))))))
        .problem(422).getJsonArray("errors").getJsonObject(0);
    assertEquals("/tasks/1/depends_on/1/event", twiceInBulk.getString("pointer"));
    assertEquals(1, twiceInBulk.getInteger("index"));
    assertEquals(0, admin.get(tasks).items().size(), "nothing was written");
    assertEquals(0, waits(project));
  }

  @Test
  void aBulkGraphsItemsWaitOnEventsAndARepostAppliesOnlyTheWaitsOfNewItems() {
    long project = newProject();
    String type = newType();
    sendEvent(project, "e0", "zero").expect(201);
    JsonArray graph = new JsonArray()
        .add(new JsonObject().put("type", type).put("external_id", "x").put("depends_on", new JsonArray().add(onEvent("e0"))))
        .add(new JsonObject().put("type", type).put("external_id", "y")
            .put("depends_on", new JsonArray().add(new JsonObject().put("ref", "x")).add(onEvent("e1"))))
        .add(new JsonObject().put("type", type).put("external_id", "z")
            .put("depends_on", new JsonArray().add(onEvent("e1")).add(onEvent("e2", "blocks"))));
    JsonArray created = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", graph)).expect(201).json()
        .getJsonArray("created");
    assertEquals(3, created.size());
    JsonObject x = byExternalId(created, "x");
    JsonObject y = byExternalId(created, "y");
    JsonObject z = byExternalId(created, "z");
    assertEquals("pending", x.getString("status"));
    assertEquals(new JsonObject().put("e0", "zero"), x.getJsonObject("event_payloads"));
    assertEquals(2, y.getInteger("unmet_prerequisites"));
    assertEquals(2, z.getInteger("unmet_prerequisites"));
    assertEquals(3, waits(project));

    JsonArray more = graph.copy()
        .add(new JsonObject().put("type", type).put("external_id", "w").put("depends_on", new JsonArray().add(onEvent("e3"))));
    JsonObject repost = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", more)).expect(201).json();
    assertEquals(1, repost.getJsonArray("created").size());
    assertEquals(3, repost.getJsonArray("skipped").size());
    assertEquals(4, waits(project), "the skipped items' waits are not applied again");

    assertEquals(0, sendEvent(project, "e1", 1).expect(201).json().getInteger("released"));
    claimAndComplete(project, x.getLong("id"));
    JsonObject yNow = task(project, y.getLong("id"));
    assertEquals("pending", yNow.getString("status"), "released by x's completion, e1 having arrived");
    assertEquals(new JsonObject().put("e1", 1), yNow.getJsonObject("event_payloads"));
    assertEquals(1, sendEvent(project, "e2", null).expect(201).json().getInteger("released"));
    assertEquals("pending", task(project, z.getLong("id")).getString("status"));
    assertEquals(1, sendEvent(project, "e3", null).expect(201).json().getInteger("released"));
  }

  @Test
  void anExpiredEventNoLongerReleasesNewWaitersAndItsKeySentAgainIsANewEvent() {
    long project = newProject();
    String type = newType();
    sendEvent(project, "daily", "monday").expect(201);
    expire(project, "daily");
    JsonObject waiter = createWaiting(project, type, onEvent("daily"));
    assertEquals("blocked", waiter.getString("status"), "an expired event does not count");
    JsonObject renewed = sendEvent(project, "daily", "tuesday").expect(201).json();
    assertEquals("tuesday", renewed.getString("payload"), "expired, not yet purged: replaced");
    assertEquals(1, renewed.getInteger("released"));
    assertEquals(new JsonObject().put("daily", "tuesday"), task(project, waiter.getLong("id")).getJsonObject("event_payloads"));

    expire(project, "daily");
    assertTrue(server.server().purgeExpiredEvents().await() >= 1);
    assertEquals(0L, sql("SELECT count(*) FROM events WHERE project_id = $1", project).iterator().next().getLong(0));
    JsonObject second = createWaiting(project, type, onEvent("daily"));
    assertEquals("blocked", second.getString("status"));
    JsonObject sentAgain = sendEvent(project, "daily", "wednesday").expect(201).json();
    assertEquals(1, sentAgain.getInteger("released"));
    assertEquals(new JsonObject().put("daily", "wednesday"), task(project, second.getLong("id")).getJsonObject("event_payloads"));
    assertEquals(200, sendEvent(project, "daily", "thursday").status(), "kept again, so a repeat");
  }

  @Test
  void taskRetentionDeletesTheEventWaitsOfTheTasksItDeletes() {
    long project = newProject();
    String type = newType();
    long id = createWaiting(project, type, onEvent("never")).getLong("id");
    admin.post("/projects/" + project + "/tasks/" + id + ":cancel", null).expect(200);
    assertEquals(1, waits(project), "a cancelled task keeps its wait (and its count) until it is deleted");
    sql("UPDATE tasks SET updated_at = now() - interval '30 days' WHERE id = $1", id);
    Poll.until(() -> server.server().runRetention().await(), n -> n >= 1, Duration.ofSeconds(10));
    assertEquals(0L, sql("SELECT count(*) FROM tasks WHERE id = $1", id).iterator().next().getLong(0));
    assertEquals(0, waits(project));
  }

  private static JsonObject byExternalId(JsonArray tasks, String externalId) {
    return tasks.stream().map(JsonObject.class::cast).filter(t -> externalId.equals(t.getString("external_id"))).findFirst()
        .orElseThrow();
  }

  private void expire(long project, String key) {
    sql("UPDATE events SET expires_at = now() - interval '1 second' WHERE project_id = $1 AND key = $2", project, key);
  }
}
