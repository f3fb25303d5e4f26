package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.DependencyInvariant;
import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SubtaskTest extends ServerTest {

  @AfterEach
  void countsAgreeWithLinks() {
    assertEquals(List.of(), DependencyInvariant.violations(server.sql()));
  }

  private static JsonObject item(String type, String externalId) {
    return new JsonObject().put("type", type).put("external_id", externalId);
  }

  private static JsonObject parent(String type, String externalId) {
    return item(type, externalId).put("complete_when_children_done", true);
  }

  private static JsonObject childOf(String type, String externalId, String parentRef) {
    return item(type, externalId).put("parent_ref", parentRef);
  }

  private static JsonObject requiring(JsonObject task, String ref) {
    return task.put("depends_on", new JsonArray().add(new JsonObject().put("ref", ref)));
  }

  private JsonObject bulk(long project, JsonObject... items) {
    return admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", new JsonArray(List.of((Object[]) items))))
        .expect(201).json();
  }

  private long idOf(long project, String externalId) {
    return admin.get("/projects/" + project + "/tasks?external_id=" + externalId).items().getJsonObject(0).getLong("id");
  }

  private JsonObject task(long project, long id) {
    return admin.get("/projects/" + project + "/tasks/" + id).expect(200).json();
  }

  private String status(long project, String externalId) {
    return task(project, idOf(project, externalId)).getString("status");
  }

  /** Claims up to 10 tasks; answers their external ids. */
  private Set<String> claimable(long project) {
    return claim(project, "w", 10).stream().map(o -> ((JsonObject) o).getString("external_id")).collect(Collectors.toSet());
  }

  /** Leases of tasks claimed on the way to the one a test wanted. */
  private final Map<Long, String> leases = new HashMap<>();

  /** Claims the task (it must be claimable now, or claimed on the way earlier) and completes it; answers the completion. */
  private JsonObject claimAndComplete(long project, long id) {
    return admin.post("/projects/" + project + "/tasks/" + id + ":complete", new JsonObject().put("lease_id", leaseOf(project, id)))
        .expect(200).json();
  }

  private JsonObject claimAndFailForGood(long project, long id) {
    return admin.post("/projects/" + project + "/tasks/" + id + ":fail", new JsonObject()
        .put("lease_id", leaseOf(project, id)).put("error", "boom").put("retryable", false)).expect(200).json();
  }

  private String leaseOf(long project, long id) {
    if (!leases.containsKey(id)) {
      claim(project, "w", 100).forEach(o -> leases.put(((JsonObject) o).getLong("id"), ((JsonObject) o).getString("lease_id")));
    }
    String lease = leases.remove(id);
    assertNotNull(lease, "task " + id + " is claimable");
    return lease;
  }

  private JsonArray logs(long project, long id) {
    return admin.get("/projects/" + project + "/tasks/" + id + "/logs").items();
  }

  private List<String> events(long project, long id) {
    return logs(project, id).stream().map(o -> ((JsonObject) o).getString("event")).toList();
  }

  private JsonObject lastLog(long project, long id) {
    JsonArray items = logs(project, id);
    return items.getJsonObject(items.size() - 1);
  }

  private static List<Long> ids(JsonArray tasks) {
    return tasks.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
  }

  @Test
  void aBulkParentStartsBlockedCountingItsChildrenAndOnlyTheChildrenAreClaimable() {
    long project = newProject();
    String type = newType();
    JsonObject created = bulk(project, parent(type, "p"), childOf(type, "c1", "p"), childOf(type, "c2", "p"),
        requiring(item(type, "after"), "p"));
    assertEquals(4, created.getJsonArray("created").size());
    long p = idOf(project, "p");
    JsonObject parent = task(project, p);
    assertEquals("blocked", parent.getString("status"));
    assertEquals(2, parent.getInteger("unmet_prerequisites"), "one per child");
    assertTrue(parent.getBoolean("complete_when_children_done"));
    assertEquals(p, task(project, idOf(project, "c1")).getLong("parent_id"));
    assertNull(parent.getValue("parent_id"));
    JsonArray links = admin.get("/projects/" + project + "/tasks/" + p + "/dependencies").items();
    assertEquals(List.of("child", "child"), links.stream().map(o -> ((JsonObject) o).getString("link_type")).toList());
    assertEquals(p, admin.get("/projects/" + project + "/tasks/" + idOf(project, "c1") + "/dependents").items().getJsonObject(0)
        .getLong("task_id"));

    assertEquals(Set.of("c1", "c2"), claimable(project), "the parent and what requires it are never claimed");
    assertTrue(claim(project, "w", 10).isEmpty());
  }

  @Test
  void theParentIsCompletedByTheTransactionOfItsLastChildsCompletion() {
    long project = newProject();
    String type = newType();
    bulk(project, requiring(item(type, "after"), "p"), childOf(type, "c1", "p"), parent(type, "p"), childOf(type, "c2", "p"));
    long p = idOf(project, "p");
    long c1 = idOf(project, "c1");
    long c2 = idOf(project, "c2");
    long after = idOf(project, "after");

    claimAndComplete(project, c1);
    JsonObject waiting = task(project, p);
    assertEquals("blocked", waiting.getString("status"));
    assertEquals(1, waiting.getInteger("unmet_prerequisites"));
    assertTrue(claim(project, "w", 10).isEmpty(), "neither the parent nor its dependent is claimable");

    claimAndComplete(project, c2);
    // Read right after the completion was answered: the parent completed with it, its dependent a statement later.
    JsonObject done = task(project, p);
    assertEquals("completed", done.getString("status"));
    assertNotNull(done.getString("completed_at"));
    assertEquals(0, done.getInteger("unmet_prerequisites"));
    assertEquals(List.of("created", "completed"), events(project, p), "never claimed");
    assertEquals(c2, lastLog(project, p).getJsonObject("metadata").getLong("last_prerequisite_id"));
    assertEquals("pending", task(project, after).getString("status"));
    assertEquals(List.of("created", "released"), events(project, after));
    assertEquals(p, lastLog(project, after).getJsonObject("metadata").getLong("last_prerequisite_id"));
    claimAndComplete(project, after);
  }

  @Test
  void nestedParentsCompleteOneStatementAfterAnotherBeforeTheCompletionIsAnswered() {
    long project = newProject();
    String type = newType();
    bulk(project, parent(type, "g"), parent(type, "p").put("parent_ref", "g"), childOf(type, "c", "p"),
        requiring(item(type, "after-g"), "g"), requiring(item(type, "after-p"), "p"));
    assertEquals(1, task(project, idOf(project, "g")).getInteger("unmet_prerequisites"), "g waits on p");
    claimAndComplete(project, idOf(project, "c"));
    assertEquals("completed", status(project, "p"));
    assertEquals("completed", status(project, "g"), "completed by the follow-up of p's completion");
    assertEquals("pending", status(project, "after-p"));
    assertEquals("pending", status(project, "after-g"), "released by the follow-up of g's completion");
    assertEquals(Set.of("after-p", "after-g"), claimable(project));
  }

  @Test
  void aChildThatFailsForGoodFailsItsParentsAndCancelsWhatRequiresThem() {
    long project = newProject();
    String type = newType();
    bulk(project, parent(type, "g"), parent(type, "p").put("parent_ref", "g"), childOf(type, "c1", "p"), childOf(type, "c2", "p"),
        requiring(item(type, "after-p"), "p"), item(type, "patient").put("depends_on", new JsonArray()
            .add(new JsonObject().put("ref", "p").put("type", "blocks"))));
    long p = idOf(project, "p");
    long g = idOf(project, "g");
    long c1 = idOf(project, "c1");
    JsonObject failed = claimAndFailForGood(project, c1);
    assertEquals("failed", failed.getString("status"));

    JsonObject parent = task(project, p);
    assertEquals("failed", parent.getString("status"), "for good: nothing retries a parent by itself");
    JsonObject why = lastLog(project, p);
    assertEquals("failed", why.getString("event"));
    assertEquals("child_failed", why.getJsonObject("metadata").getString("cause"));
    assertEquals(c1, why.getJsonObject("metadata").getLong("child_id"));
    assertEquals("failed", task(project, g).getString("status"), "the failure goes up the parents");
    assertEquals(p, lastLog(project, g).getJsonObject("metadata").getLong("child_id"));
    assertEquals(c1, lastLog(project, g).getJsonObject("metadata").getLong("root_task_id"));
    long afterP = idOf(project, "after-p");
    assertEquals("cancelled", task(project, afterP).getString("status"));
    assertEquals("prerequisite_failed", lastLog(project, afterP).getJsonObject("metadata").getString("cause"));
    assertEquals(p, lastLog(project, afterP).getJsonObject("metadata").getLong("prerequisite_id"));
    assertEquals("blocked", status(project, "patient"), "blocks waits for a retry");

    // The other child still runs; its completion does not revive the parent.
    claimAndComplete(project, idOf(project, "c2"));
    assertEquals("failed", task(project, p).getString("status"));
  }

  @Test
  void cancellingAChildFailsItsParent() {
    long project = newProject();
    String type = newType();
    bulk(project, parent(type, "p"), childOf(type, "c", "p"));
    long c = idOf(project, "c");
    admin.post("/projects/" + project + "/tasks/" + c + ":cancel", null).expect(200);
    long p = idOf(project, "p");
    assertEquals("failed", task(project, p).getString("status"));
    assertEquals("child_cancelled", lastLog(project, p).getJsonObject("metadata").getString("cause"));
  }

  @Test
  void retryingAFailedParentWhoseChildrenCompletedMeanwhileCompletesItAndReleasesItsDependents() {
    long project = newProject();
    String type = newType();
    bulk(project, parent(type, "p"), childOf(type, "c", "p"), item(type, "patient").put("depends_on", new JsonArray()
        .add(new JsonObject().put("ref", "p").put("type", "blocks"))));
    long p = idOf(project, "p");
    long c = idOf(project, "c");
    claimAndFailForGood(project, c);
    assertEquals("failed", task(project, p).getString("status"));
    admin.post("/projects/" + project + "/tasks/" + c + ":retry", null).expect(200);
    claimAndComplete(project, c);
    assertEquals("failed", task(project, p).getString("status"), "a failed parent stays failed");

    JsonObject retried = admin.post("/projects/" + project + "/tasks/" + p + ":retry", null).expect(200).json();
    assertEquals("completed", retried.getString("status"), "its only child has completed");
    assertEquals("pending", status(project, "patient"), "released once the retried parent completed");
    assertFalse(events(project, p).contains("claimed"));
  }

  @Test
  void anExistingParentGainsChildrenByParentIdWhileItHasNotFinished() {
    long project = newProject();
    String type = newType();
    JsonObject lone = createTask(project, new JsonObject().put("type", type).put("complete_when_children_done", true));
    assertEquals("blocked", lone.getString("status"), "a parent without children waits for its first");
    assertEquals(0, lone.getInteger("unmet_prerequisites"));
    assertTrue(claim(project, "w", 10).isEmpty(), "and is never claimed");
    long p = lone.getLong("id");

    JsonObject child = createTask(project, new JsonObject().put("type", type).put("parent_id", p));
    assertEquals(p, child.getLong("parent_id"));
    assertEquals("pending", child.getString("status"));
    assertEquals(1, task(project, p).getInteger("unmet_prerequisites"));
    JsonObject more = bulk(project, new JsonObject().put("type", type).put("parent_id", p),
        new JsonObject().put("type", type).put("parent_id", p));
    assertEquals(3, task(project, p).getInteger("unmet_prerequisites"), "one more per child, in one statement");

    JsonObject plain = createTask(project, type);
    JsonObject plainChild = createTask(project, new JsonObject().put("type", type).put("parent_id", plain.getLong("id")));
    assertEquals(plain.getLong("id"), plainChild.getLong("parent_id"));
    assertEquals("pending", task(project, plain.getLong("id")).getString("status"), "a plain parent records its children only");
    assertEquals(0, task(project, plain.getLong("id")).getInteger("unmet_prerequisites"));

    claimAndComplete(project, child.getLong("id"));
    for (Object o : more.getJsonArray("created")) {
      claimAndComplete(project, ((JsonObject) o).getLong("id"));
    }
    assertEquals("completed", task(project, p).getString("status"));
    JsonObject refused = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("parent_id", p))
        .problem(422);
    assertEquals("/parent_id", refused.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertTrue(refused.getString("detail").contains("task " + p + " is completed"), refused.encode());
    // A finished plain parent may still gain children.
    claimAndComplete(project, plain.getLong("id"));
    createTask(project, new JsonObject().put("type", type).put("parent_id", plain.getLong("id")));
  }

  @Test
  void aRePostCreatesNothingAndNewChildrenOfTheStoredParentAreCounted() {
    long project = newProject();
    String type = newType();
    JsonObject[] graph = {parent(type, "p"), childOf(type, "c1", "p")};
    bulk(project, graph);
    JsonObject again = bulk(project, graph);
    assertEquals(0, again.getJsonArray("created").size());
    long p = idOf(project, "p");
    assertEquals(1, task(project, p).getInteger("unmet_prerequisites"));

    JsonObject grown = bulk(project, parent(type, "p"), childOf(type, "c1", "p"), childOf(type, "c2", "p"));
    JsonObject c2 = grown.getJsonArray("created").getJsonObject(0);
    assertEquals(p, c2.getLong("parent_id"), "the stored parent stands for the skipped parent item");
    assertEquals(2, task(project, p).getInteger("unmet_prerequisites"));

    // A new parent item whose child item was skipped does not count it.
    JsonObject adopted = bulk(project, parent(type, "q"), childOf(type, "c1", "q"));
    assertEquals(1, adopted.getJsonArray("created").size());
    assertEquals(0, adopted.getJsonArray("created").getJsonObject(0).getInteger("unmet_prerequisites"));
    assertEquals("blocked", adopted.getJsonArray("created").getJsonObject(0).getString("status"));

    claimAndComplete(project, idOf(project, "c1"));
    assertEquals("blocked", status(project, "p"));
    claimAndComplete(project, c2.getLong("id"));
    assertEquals("completed", status(project, "p"));
  }

  @Test
  void childrenAreListedDirectlyOrAsTheWholeSubtreeInPagesByIdAndTheListingFiltersByParent() {
    long project = newProject();
    String type = newType();
    bulk(project, item(type, "r"), childOf(type, "a", "r"), childOf(type, "b", "r"), childOf(type, "c", "r"),
        childOf(type, "a1", "a"), childOf(type, "a2", "a"), childOf(type, "a11", "a1"), item(type, "stranger"));
    long r = idOf(project, "r");
    String base = "/projects/" + project + "/tasks/" + r + "/children";
    List<Long> direct = List.of(idOf(project, "a"), idOf(project, "b"), idOf(project, "c"));

    JsonObject first = admin.get(base + "?limit=2").expect(200).json();
    assertEquals(direct.subList(0, 2), ids(first.getJsonArray("items")));
    JsonObject second = admin.get(base + "?limit=2&after=" + first.getLong("next_after")).expect(200).json();
    assertEquals(direct.subList(2, 3), ids(second.getJsonArray("items")));
    assertNull(second.getValue("next_after"));
    assertEquals(direct, ids(admin.get("/projects/" + project + "/tasks?parent_id=" + r).items()));

    List<Long> subtree = List.of("a", "b", "c", "a1", "a2", "a11").stream().map(x -> idOf(project, x)).sorted().toList();
    JsonObject page = admin.get(base + "?recursive=true&limit=4").expect(200).json();
    assertEquals(subtree.subList(0, 4), ids(page.getJsonArray("items")));
    JsonObject rest = admin.get(base + "?recursive=true&limit=4&after=" + page.getLong("next_after")).expect(200).json();
    assertEquals(subtree.subList(4, 6), ids(rest.getJsonArray("items")));
    assertNull(rest.getValue("next_after"));
    assertEquals(direct, ids(admin.get(base + "?recursive=false").items()));

    assertEquals(0, admin.get("/projects/" + project + "/tasks/" + idOf(project, "a11") + "/children?recursive=true").items().size());
    admin.get("/projects/" + project + "/tasks/999999999/children").problem(404);
    admin.get("/projects/" + newProject() + "/tasks/" + r + "/children").problem(404);
    admin.get(base + "?recursive=yes").problem(400);
  }

  @Test
  void badParentsAre422WithThePointerAndNothingIsWritten() {
    long project = newProject();
    long other = newProject();
    String type = newType();
    long foreign = createTask(other, type).getLong("id");
    JsonObject unknown = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("parent_id", 999_999_999))
        .problem(422);
    assertEquals("/parent_id", unknown.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("parent_id", foreign)).problem(422);
    JsonObject lonelyRef = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("parent_ref", "x"))
        .problem(422);
    assertEquals("/parent_ref", lonelyRef.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("parent_id", foreign).put("parent_ref", "x"))
        .problem(422);
    admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("parent_id", "1")).problem(422);
    JsonObject waitsOnEvent = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type)
        .put("complete_when_children_done", true)
        .put("depends_on", new JsonArray().add(new JsonObject().put("event", "go")))).problem(422);
    assertEquals("/depends_on/0/event", waitsOnEvent.getJsonArray("errors").getJsonObject(0).getString("pointer"),
        "a parent that completes with its children cannot wait on an event: nothing would complete it");

    JsonArray errors = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", new JsonArray()
        .add(item(type, "a")).add(childOf(type, "b", "nobody")).add(childOf(type, "self", "self")))).problem(422)
        .getJsonArray("errors");
    assertEquals(2, errors.size());
    assertEquals("/tasks/1/parent_ref", errors.getJsonObject(0).getString("pointer"));
    assertEquals(1, errors.getJsonObject(0).getInteger("index"));
    assertEquals("/tasks/2/parent_ref", errors.getJsonObject(1).getString("pointer"));
    assertTrue(errors.getJsonObject(1).getString("message").contains("its own parent"), errors.encode());

    JsonObject parentCycle = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", new JsonArray()
        .add(item(type, "x")).add(childOf(type, "a", "b")).add(childOf(type, "b", "a")))).problem(422);
    assertEquals(new JsonArray(List.of("a", "b", "a")), parentCycle.getJsonArray("cycle"));
    assertEquals("/tasks/1/parent_ref", parentCycle.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    // A parent that completes with its children waits on them: a child that requires it would wait for ever.
    JsonObject waitCycle = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", new JsonArray()
        .add(parent(type, "p")).add(requiring(childOf(type, "c", "p"), "p")))).problem(422);
    assertEquals(new JsonArray(List.of("p", "c", "p")), waitCycle.getJsonArray("cycle"));
    assertEquals("/tasks/1/parent_ref", waitCycle.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    // A plain parent holds nothing: its child may require it.
    bulk(project, item(type, "plain"), requiring(childOf(type, "kid", "plain"), "plain"));
    assertEquals(2, admin.get("/projects/" + project + "/tasks").items().size(), "only the last graph was written");

    JsonObject failedParent = createTask(project, new JsonObject().put("type", type).put("complete_when_children_done", true));
    admin.post("/projects/" + project + "/tasks/" + failedParent.getLong("id") + ":cancel", null).expect(200);
    JsonObject finished = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", new JsonArray()
        .add(item(type, "fine")).add(new JsonObject().put("type", type).put("parent_id", failedParent.getLong("id"))))).problem(422);
    assertEquals("/tasks/1/parent_id", finished.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals(1, finished.getJsonArray("errors").getJsonObject(0).getInteger("index"));
    assertEquals(3, admin.get("/projects/" + project + "/tasks").items().size(), "nothing more was written");
  }

  @Test
  void aNewChildOfAStoredParentThatWaitsOnThatParentIs422() {
    long project = newProject();
    String type = newType();
    long p = createTask(project, new JsonObject().put("type", type).put("complete_when_children_done", true)).getLong("id");
    JsonObject direct = admin.post("/projects/" + project + "/tasks", new JsonObject().put("type", type).put("parent_id", p)
        .put("depends_on", new JsonArray().add(new JsonObject().put("task_id", p)))).problem(422);
    assertEquals("/parent_id", direct.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertTrue(direct.getString("detail").contains("cycle"), direct.encode());

    // Through a stored task that waits on the parent, and an item of the request that waits on that task.
    long waiting = createTask(project, new JsonObject().put("type", type).put("external_id", "waiting")
        .put("depends_on", new JsonArray().add(new JsonObject().put("task_id", p)))).getLong("id");
    JsonObject through = admin.post("/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", new JsonArray()
        .add(item(type, "middle").put("depends_on", new JsonArray().add(new JsonObject().put("task_id", waiting))))
        .add(requiring(new JsonObject().put("type", type).put("parent_id", p), "middle")))).problem(422);
    assertEquals("/tasks/1/parent_id", through.getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertEquals(0, task(project, p).getInteger("unmet_prerequisites"), "nothing was written");
    assertEquals(2, admin.get("/projects/" + project + "/tasks").items().size());
    // A child that waits on some other task is fine.
    createTask(project, new JsonObject().put("type", type).put("parent_id", p)
        .put("depends_on", new JsonArray().add(new JsonObject().put("task_id", createTask(project, type).getLong("id")))));
    assertEquals(1, task(project, p).getInteger("unmet_prerequisites"));
  }

  @Test
  void aChildLinkCannotBeRemovedAndUnlinkingNeverReleasesAParentToBeClaimed() {
    long project = newProject();
    String type = newType();
    long prerequisite = createTask(project, new JsonObject().put("type", type).put("external_id", "pre")).getLong("id");
    bulk(project, parent(type, "p").put("depends_on", new JsonArray().add(new JsonObject().put("task_id", prerequisite))),
        childOf(type, "c", "p"));
    long p = idOf(project, "p");
    long c = idOf(project, "c");
    admin.delete("/projects/" + project + "/tasks/" + p + "/dependencies/" + c).problem(404);
    claimAndComplete(project, c);
    assertEquals(1, task(project, p).getInteger("unmet_prerequisites"), "still waits on its prerequisite");
    JsonObject unlinked = admin.delete("/projects/" + project + "/tasks/" + p + "/dependencies/" + prerequisite).expect(200).json();
    assertEquals("blocked", unlinked.getString("status"), "a parent is never pending");
    assertTrue(claim(project, "w", 10).isEmpty(), "the prerequisite was claimed on the way; the parent never is");
    assertTrue(leases.containsKey(prerequisite));
  }
}
