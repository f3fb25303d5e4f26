package io.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.taskq.config.RetryPolicy;
import io.taskq.db.DatabaseTarget;
import io.taskq.db.Pools;
import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.taskq.metrics.Meters;
import io.taskq.notify.InMemoryClaimableSignals;
import io.taskq.schema.ParamSchemas;
import io.taskq.store.TaskStore.Insertion;
import io.taskq.store.pg.PgTaskStore;
import io.taskq.store.pg.PgTaskTypeStore;
import io.taskq.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Isolation below the edge: poisoned items submitted straight to the service, as if the HTTP
 * checks had let them through, share statements with valid ones (every coalesced path and the
 * batch endpoints) and fail alone, while the valid ones are applied.
 */
class TaskServiceIsolationTest {

  private static final String TYPE = "t";
  private static Vertx vertx;
  private static Pool pool;
  private static TaskService tasks;
  private static long projects;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("service_isolation");
    TestDatabase.execute(db, "INSERT INTO task_types (name, version, param_schema) VALUES ('" + TYPE + "', 1, '{}')");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 8);
    TaskTypeService types = new TaskTypeService(vertx, new PgTaskTypeStore(pool), new ParamSchemas(vertx.fileSystem()), Clock.systemUTC());
    tasks = new TaskService(new PgTaskStore(pool), types, new Meters(new SimpleMeterRegistry()), RetryPolicy.DEFAULT,
        new InMemoryClaimableSignals(), new ClaimWaiters(vertx, () -> { }));
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  private static synchronized long newProject() {
    long id = ++projects;
    pool.preparedQuery("INSERT INTO projects (id, name) VALUES ($1, $2)").execute(Tuple.of(id, "p" + id)).await();
    return id;
  }

  private static TaskDraft draft(JsonObject params) {
    return new TaskDraft(TYPE, null, null, null, params, null, null, null, false, null, null, null, java.util.List.of());
  }

  /** {@code n} claimed tasks of a new project. */
  private static List<Task> claimed(long project, int n) {
    List<TaskDraft> drafts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      drafts.add(draft(new JsonObject()));
    }
    tasks.createAll(project, drafts, DuplicateStrategy.NONE).await();
    return tasks.claim(project, "holder", List.of(), n, null, Duration.ZERO).await();
  }

  private static long count(String query, Object... args) {
    return pool.preparedQuery(query).execute(Tuple.from(args)).await().iterator().next().getLong(0);
  }

  @Test
  void aPoisonedCompleteSharingTheStatementFailsAloneAndTheOthersComplete() {
    long project = newProject();
    List<Task> held = claimed(project, 40);
    List<Future<Task>> answers = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      Task t = held.get(i);
      Object result = i == 17 ? new JsonObject().put("s", "bad\u0000") : new JsonObject().put("n", i);
      answers.add(tasks.complete(project, t.id(), t.leaseId(), result));
    }
    Future.join(answers).transform(ar -> Future.succeededFuture()).await();

    for (int i = 0; i < held.size(); i++) {
      if (i == 17) {
        Invalid refusal = assertInstanceOf(Invalid.class, answers.get(i).cause());
        assertEquals("/result", refusal.errors().get(0).pointer());
      } else {
        assertTrue(answers.get(i).succeeded(), "complete " + i + ": " + answers.get(i).cause());
      }
    }
    assertEquals(39, count("SELECT count(*) FROM tasks WHERE project_id = $1 AND status = 'completed'", project));
    assertEquals(held.get(17).id(), count("SELECT id FROM tasks WHERE project_id = $1 AND status = 'claimed'", project));
  }

  @Test
  void aPoisonedFailSharingTheStatementFailsAloneAndTheOthersFail() {
    long project = newProject();
    List<Task> held = claimed(project, 30);
    List<Future<Task>> answers = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      Task t = held.get(i);
      answers.add(tasks.fail(project, t.id(), t.leaseId(), i == 4 ? "boom\u0000" : "boom " + i, true));
    }
    Future.join(answers).transform(ar -> Future.succeededFuture()).await();

    for (int i = 0; i < held.size(); i++) {
      assertEquals(i == 4, answers.get(i).failed(), "fail " + i + ": " + answers.get(i).cause());
    }
    assertEquals("/error", ((Invalid) answers.get(4).cause()).errors().get(0).pointer());
    assertEquals(29, count("SELECT count(*) FROM tasks WHERE project_id = $1 AND status = 'pending' AND error_message LIKE 'boom %'",
        project));
  }

  /** Claims cannot be poisoned through HTTP (the edge checks every value a claim carries); below it, they can. */
  @Test
  void aPoisonedClaimSharingTheStatementFailsAloneAndTheOthersClaim() {
    long project = newProject();
    List<TaskDraft> drafts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      drafts.add(draft(new JsonObject()));
    }
    tasks.createAll(project, drafts, DuplicateStrategy.NONE).await();
    List<Future<List<Task>>> answers = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      answers.add(tasks.claim(project, i == 9 ? "w\u0000" : "w" + i, List.of(), 2, null, Duration.ZERO));
    }
    Future.join(answers).transform(ar -> Future.succeededFuture()).await();

    int taken = 0;
    for (int i = 0; i < answers.size(); i++) {
      assertEquals(i == 9, answers.get(i).failed(), "claim " + i + ": " + answers.get(i).cause());
      taken += answers.get(i).succeeded() ? answers.get(i).result().size() : 0;
    }
    assertInstanceOf(Invalid.class, answers.get(9).cause());
    assertEquals(30, taken);
    assertEquals(30, count("SELECT count(*) FROM tasks WHERE project_id = $1 AND status = 'claimed'", project));
  }

  @Test
  void aPoisonedCreateSharingTheStatementFailsAloneWithItsOwnRefusal() {
    long project = newProject();
    List<Future<Insertion>> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      JsonObject params = i == 21 ? new JsonObject().put("deep", new JsonObject().put("k\u0000", 1)) : new JsonObject().put("n", i);
      answers.add(tasks.create(project, draft(params)));
    }
    Future.join(answers).transform(ar -> Future.succeededFuture()).await();

    for (int i = 0; i < answers.size(); i++) {
      assertEquals(i == 21, answers.get(i).failed(), "create " + i + ": " + answers.get(i).cause());
    }
    assertTrue(assertInstanceOf(Invalid.class, answers.get(21).cause()).detail().contains("U+0000"));
    assertEquals(29, count("SELECT count(*) FROM tasks WHERE project_id = $1", project));
  }

  @Test
  void theBatchEndpointAnswersAPoisonedItemInvalidAndAppliesTheOthers() {
    long project = newProject();
    List<Task> held = claimed(project, 20);
    List<Completion> items = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      items.add(new Completion(project, held.get(i).id(), held.get(i).leaseId(), i == 6 ? "bad\u0000" : i));
    }
    items.set(12, new Completion(project, held.get(12).id(), UUID.randomUUID(), 12));

    List<ItemOutcome> outcomes = tasks.completeAll(items).await();

    for (int i = 0; i < outcomes.size(); i++) {
      ItemOutcome.Kind expected = i == 6 ? ItemOutcome.Kind.INVALID : i == 12 ? ItemOutcome.Kind.LEASE_CONFLICT : ItemOutcome.Kind.COMPLETED;
      assertEquals(expected, outcomes.get(i).kind(), "item " + i);
    }
    assertEquals(List.of(new FieldError("/result", null, outcomes.get(6).refusal().orElseThrow().detail())),
        outcomes.get(6).refusal().orElseThrow().errors());
    assertEquals(18, count("SELECT count(*) FROM tasks WHERE project_id = $1 AND status = 'completed'", project));
  }

  @Test
  void aRefusedBulkNamesTheIndexOfItsFaultyItemAndStoresNothing() {
    long project = newProject();
    List<TaskDraft> drafts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      drafts.add(draft(i == 7 ? new JsonObject().put("a", new JsonObject().put("b", "x\u0000")) : new JsonObject()));
    }

    Throwable failure = assertFails(tasks.createAll(project, drafts, DuplicateStrategy.NONE));

    Invalid refusal = assertInstanceOf(Invalid.class, failure);
    assertEquals(List.of(FieldError.atItem(7, "/tasks/7", refusal.errors().get(0).message())), refusal.errors());
    assertTrue(refusal.errors().get(0).message().contains("U+0000"));
    assertEquals(0, count("SELECT count(*) FROM tasks WHERE project_id = $1", project));
  }

  /** A fault no check outside the database knows (an index entry too large): the store's search names the item. */
  @Test
  void aBulkRefusedForAValueOnlyTheDatabaseKnowsNamesTheItemByIndex() {
    long project = newProject();
    StringBuilder title = new StringBuilder();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 1000; i++) {
      title.appendCodePoint(0x20000 + random.nextInt(0xA000));
    }
    List<TaskDraft> drafts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      drafts.add(new TaskDraft(TYPE, null, i == 29 ? title.toString() : "t" + i, null, new JsonObject(), null, null, null, false,
          null, null, null, List.of()));
    }

    Invalid refusal = assertInstanceOf(Invalid.class, assertFails(tasks.createAll(project, drafts, DuplicateStrategy.NONE)));

    assertEquals(1, refusal.errors().size(), refusal.errors().toString());
    assertEquals(29, refusal.errors().get(0).index());
    assertEquals("/tasks/29", refusal.errors().get(0).pointer());
    assertEquals(0, count("SELECT count(*) FROM tasks WHERE project_id = $1", project));
  }

  private static Throwable assertFails(Future<?> future) {
    future.transform(ar -> Future.succeededFuture()).await();
    assertTrue(future.failed(), "expected a failure");
    return future.cause();
  }
}
