package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.Pools;
import io.taskq.error.Invalid;
import io.taskq.queue.NewTask;
import io.taskq.store.TaskStore;
import io.taskq.store.TaskStore.Insertion;
import io.taskq.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The group commit of single creates, against PostgreSQL: each task gets the answer it would
 * have had alone (created, or the task holding its identity, or its own fault).
 */
class InsertEachTest {

  private static final long PROJECT = 1;
  private static Vertx vertx;
  private static Pool pool;
  private static PgTaskStore store;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("insert_each");
    TestDatabase.execute(db, "INSERT INTO projects (id, name) VALUES (" + PROJECT + ", 'p')");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 4);
    store = new PgTaskStore(pool);
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  private static NewTask task(String externalId, JsonObject params) {
    return new NewTask("t", "1", null, null, params, 0, externalId, null, null, null, 3, 30);
  }

  private static List<Future<Insertion>> insertEach(NewTask... tasks) {
    List<Future<Insertion>> answers = store.insertEachIfAbsent(PROJECT, List.of(tasks)).await();
    assertTrue(answers.stream().allMatch(Future::isComplete), "the batch answers once every task has its answer");
    return answers;
  }

  private static long createdLogRows(long taskId) {
    return pool.preparedQuery("SELECT count(*) FROM task_logs WHERE task_id = $1 AND event = 'created'")
        .execute(Tuple.of(taskId)).await().iterator().next().getLong(0);
  }

  @Test
  void newTasksAreCreatedAndCollisionsAnswerTheTaskHoldingTheIdentity() {
    Insertion stored = store.insertIfAbsent(PROJECT, task("stored", new JsonObject())).await();
    List<Future<Insertion>> answers = insertEach(task(null, new JsonObject()), task("x", new JsonObject()),
        task("x", new JsonObject().put("second", true)), task("stored", new JsonObject()));

    Insertion fresh = answers.get(0).result();
    Insertion firstX = answers.get(1).result();
    Insertion secondX = answers.get(2).result();
    Insertion again = answers.get(3).result();
    assertTrue(fresh.created());
    assertTrue(firstX.created());
    assertFalse(secondX.created(), "the later task of one identity in a batch is answered the earlier one");
    assertEquals(firstX.task().id(), secondX.task().id());
    assertEquals(new JsonObject(), secondX.task().params());
    assertFalse(again.created());
    assertEquals(stored.task().id(), again.task().id());
    assertEquals(1, createdLogRows(fresh.task().id()));
    assertEquals(1, createdLogRows(firstX.task().id()));
  }

  /**
   * A refused statement wrote nothing and fails whole, with a content refusal: the coalescer,
   * not the store, splits the batch (CoalescerTest, TaskServiceIsolationTest).
   */
  @Test
  void aStatementPostgresqlRefusesForOneTaskFailsWholeAsARefusalOfContentAndWritesNothing() {
    long before = taskCount();
    Future<List<Future<Insertion>>> answer = store.insertEachIfAbsent(PROJECT, List.of(task(null, new JsonObject().put("ok", 1)),
        task(null, new JsonObject().put("s", "\u0000")), task("y", new JsonObject())));
    answer.transform(ar -> Future.succeededFuture()).await();
    Throwable failure = answer.cause();

    assertInstanceOf(Invalid.class, failure);
    assertTrue(TaskStore.refusedForContent(failure));
    assertFalse(failure.getMessage().contains("0x00") || failure.getMessage().contains("UTF8"), failure.getMessage());
    assertEquals(before, taskCount());
  }

  @Test
  void theRefusedTasksOfABulkAreFoundByIndexWithoutStoringAnything() {
    long before = taskCount();
    StringBuilder unindexable = new StringBuilder();
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 1000; i++) {
      unindexable.appendCodePoint(0x20000 + random.nextInt(0xA000));
    }
    List<NewTask> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tasks.add(task("bulk-" + i, new JsonObject().put("i", i)));
    }
    tasks.set(3, task("bulk-3", new JsonObject().put("s", "a\u0000")));
    tasks.set(9, new NewTask("t", "1", unindexable.toString(), null, new JsonObject(), 0, "bulk-9", null, null, null, 3, 30));

    Map<Integer, Invalid> refused = store.findRefusedInsertions(PROJECT, tasks).await();

    assertEquals(java.util.Set.of(3, 9), refused.keySet());
    assertTrue(refused.get(3).detail().contains("U+0000"), refused.get(3).detail());
    assertFalse(refused.get(9).detail().contains("btree") || refused.get(9).detail().contains("tasks_"), refused.get(9).detail());
    assertEquals(before, taskCount(), "the search stores nothing");
  }

  @Test
  void theSearchOfABulkOfManyRefusedTasksIsBoundedAndNamesTheFirst() {
    List<NewTask> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      tasks.add(task(null, new JsonObject().put("s", i + "\u0000")));
    }

    Map<Integer, Invalid> refused = store.findRefusedInsertions(PROJECT, tasks).await();

    assertTrue(refused.containsKey(0), "the first bad task is named");
    assertTrue(refused.size() < 100, "a budget of statements, not 599: " + refused.size());
  }

  private static long taskCount() {
    return pool.query("SELECT count(*) FROM tasks").execute().await().iterator().next().getLong(0);
  }
}
