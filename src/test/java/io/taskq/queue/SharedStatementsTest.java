package io.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.taskq.config.RetryPolicy;
import io.taskq.db.DatabaseTarget;
import io.taskq.db.Pools;
import io.taskq.error.Invalid;
import io.taskq.metrics.Meters;
import io.taskq.notify.InMemoryClaimableSignals;
import io.taskq.schema.ParamSchemas;
import io.taskq.store.pg.PgTaskStore;
import io.taskq.store.pg.PgTaskTypeStore;
import io.taskq.support.StatsInvariant;
import io.taskq.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A statement about to leave carries the other kind's waiting work (SharedStatements): each test
 * keeps one kind's statements all busy, waiting for locks that a transaction of the test holds,
 * so that the next request of that kind must wait, then sends the other kind, whose statement
 * answers the waiting request while the busy ones still wait. Nothing else could answer it then.
 */
class SharedStatementsTest {

  private static final String TYPE = "t";
  /** A type with a max_concurrency limit, whose counter row a test transaction can lock. */
  private static final String LIMITED = "lim";
  private static Vertx vertx;
  private static Pool pool;
  private static TaskService tasks;
  private static long projects;
  private SqlConnection locker;
  private Transaction locks;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("shared_statements");
    TestDatabase.execute(db, "INSERT INTO task_types (name, version, param_schema) VALUES ('" + TYPE + "', 1, '{}'), ('"
        + LIMITED + "', 1, '{}')");
    TestDatabase.execute(db, "INSERT INTO task_type_limits (type, max_concurrency) VALUES ('" + LIMITED + "', 10)");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 12);
    TaskTypeService types = new TaskTypeService(vertx, new PgTaskTypeStore(pool), new ParamSchemas(vertx.fileSystem()), Clock.systemUTC());
    tasks = new TaskService(new PgTaskStore(pool), types, new Meters(new SimpleMeterRegistry()), RetryPolicy.DEFAULT,
        new InMemoryClaimableSignals(), new ClaimWaiters(vertx, () -> { }));
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  @AfterEach
  void releaseLocks() {
    if (locker != null) {
      locks.rollback().await();
      locker.close().await();
      locker = null;
    }
  }

  private static synchronized long newProject() {
    long id = ++projects;
    pool.preparedQuery("INSERT INTO projects (id, name) VALUES ($1, $2)").execute(Tuple.of(id, "p" + id)).await();
    return id;
  }

  private static void create(long project, String type, int priority, int n) {
    List<TaskDraft> drafts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      drafts.add(new TaskDraft(type, null, null, null, new JsonObject(), priority, null, null, false, null, null, null, List.of()));
    }
    tasks.createAll(project, drafts, DuplicateStrategy.NONE).await();
  }

  private static Future<List<Task>> claim(long project, String worker) {
    return tasks.claim(project, worker, List.of(), 1, null, Duration.ZERO);
  }

  /** Opens a transaction that holds these locks until the test ends. */
  private void lock(String query, Object... args) {
    locker = pool.getConnection().await();
    locks = locker.begin().await();
    locker.preparedQuery(query).execute(Tuple.from(args)).await();
  }

  /**
   * Returns once {@code n} statements wait for a lock: those the test sent first must be waiting
   * in PostgreSQL before it sends the next, or the next could reach the locked rows first.
   */
  private static void awaitLockWaiters(int n) {
    Promise<Void> reached = Promise.promise();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    poll(n, deadline, reached);
    reached.future().await();
  }

  private static void poll(int n, long deadline, Promise<Void> reached) {
    pool.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
        .execute().onComplete(ar -> {
          if (ar.succeeded() && ar.result().iterator().next().getLong(0) >= n) {
            reached.complete();
          } else if (System.nanoTime() > deadline) {
            reached.fail("fewer than " + n + " statements waited for a lock");
          } else {
            vertx.setTimer(10, id -> poll(n, deadline, reached));
          }
        });
  }

  /**
   * The answer of a request that only a carrying statement can give while the test holds its
   * locks: without carrying it would wait for them, so it is awaited for a bounded time.
   */
  private static <T> T carriedAnswer(Future<T> answer) throws TimeoutException {
    return answer.await(20, TimeUnit.SECONDS);
  }

  private static String statusOf(long taskId) {
    return pool.preparedQuery("SELECT status FROM tasks WHERE id = $1").execute(Tuple.of(taskId)).await().iterator().next()
        .getString(0);
  }

  @Test
  void aClaimStatementCarriesTheCompletionsWaitingBehindBusyOnes() throws TimeoutException {
    long project = newProject();
    create(project, TYPE, 0, 8);
    List<Task> held = tasks.claim(project, "holder", List.of(), 5, null, Duration.ZERO).await();
    List<Long> busy = held.subList(0, 4).stream().map(Task::id).toList();
    lock("SELECT id FROM tasks WHERE id = ANY ($1::bigint[]) FOR UPDATE", (Object) busy.toArray(Long[]::new));

    // Four completions: as many statements as a project's completions may have in flight, each
    // waiting for its task's lock. The fifth waits in the coalescer for a statement of its own.
    List<Future<Task>> blocked = new ArrayList<>();
    for (Task t : held.subList(0, 4)) {
      blocked.add(tasks.complete(project, t.id(), t.leaseId(), new JsonObject().put("n", 1)));
    }
    awaitLockWaiters(4);
    Task carriedTask = held.get(4);
    Future<Task> carried = tasks.complete(project, carriedTask.id(), carriedTask.leaseId(), new JsonObject().put("carried", true));

    List<Task> claimed = claim(project, "claimer").await();
    Task completed = carriedAnswer(carried);

    assertEquals(TaskStatus.COMPLETED, completed.status());
    assertEquals(new JsonObject().put("carried", true), completed.result());
    assertEquals(1, claimed.size());
    assertEquals("claimer", claimed.get(0).workerId());
    assertTrue(blocked.stream().noneMatch(Future::isComplete), "the four busy statements still wait for their locks");
    releaseLocks();
    for (Future<Task> f : blocked) {
      assertEquals(TaskStatus.COMPLETED, f.await().status());
    }
    assertEquals(List.of(), StatsInvariant.violations(pool), "the counters saw every change of the shared statement");
  }

  @Test
  void aCompletionStatementCarriesTheClaimsWaitingBehindBusyOnes() throws TimeoutException {
    long project = newProject();
    create(project, LIMITED, 10, 2); // claimed first, and each claim of one waits for the limit's counter row
    create(project, TYPE, 0, 2);
    Task toComplete = tasks.claim(project, "holder", List.of(TYPE), 1, null, Duration.ZERO).await().get(0);
    lock("SELECT * FROM task_type_limits WHERE type = $1 FOR UPDATE", LIMITED);

    // Two claims: as many statements as a queue's claims may have in flight, each holding a
    // limited task and waiting for the counter row. The third waits in the coalescer.
    List<Future<List<Task>>> blocked = List.of(claim(project, "first"), claim(project, "second"));
    awaitLockWaiters(2);
    Future<List<Task>> carried = claim(project, "carried");

    Task completed = tasks.complete(project, toComplete.id(), toComplete.leaseId(), null).await();
    List<Task> claimed = carriedAnswer(carried);

    assertEquals(TaskStatus.COMPLETED, completed.status());
    assertEquals(1, claimed.size(), "the carried claim passes over the two locked limited tasks");
    assertEquals(TYPE, claimed.get(0).type());
    assertEquals("carried", claimed.get(0).workerId());
    assertTrue(blocked.stream().noneMatch(Future::isComplete), "the two busy statements still wait for the counter row");
    releaseLocks();
    for (Future<List<Task>> f : blocked) {
      assertEquals(LIMITED, f.await().get(0).type());
    }
    assertEquals(List.of(), StatsInvariant.violations(pool));
  }

  @Test
  void aSharedStatementRefusedForACarriedCompletionGivesItBackAndTheClaimStillClaims() throws TimeoutException {
    long project = newProject();
    create(project, TYPE, 0, 8);
    List<Task> held = tasks.claim(project, "holder", List.of(), 6, null, Duration.ZERO).await();
    List<Long> busy = held.subList(0, 4).stream().map(Task::id).toList();
    lock("SELECT id FROM tasks WHERE id = ANY ($1::bigint[]) FOR UPDATE", (Object) busy.toArray(Long[]::new));
    List<Future<Task>> blocked = new ArrayList<>();
    for (Task t : held.subList(0, 4)) {
      blocked.add(tasks.complete(project, t.id(), t.leaseId(), null));
    }
    awaitLockWaiters(4);
    Task poisoned = held.get(4);
    Task good = held.get(5);
    Future<Task> refused = tasks.complete(project, poisoned.id(), poisoned.leaseId(), new JsonObject().put("s", "bad\u0000"));
    Future<Task> applied = tasks.complete(project, good.id(), good.leaseId(), new JsonObject().put("n", 2));

    List<Task> claimed = carriedAnswer(claim(project, "claimer"));

    assertEquals(1, claimed.size(), "the claim is not failed by the completion that shared its statement");
    assertEquals(TaskStatus.CLAIMED, TaskStatus.of(statusOf(claimed.get(0).id())));
    assertFalse(refused.isComplete(), "given back, the completions wait for their own coalescer's statements");
    releaseLocks();
    assertInstanceOf(Invalid.class, refused.transform(ar -> Future.succeededFuture(ar.cause())).await());
    assertEquals(TaskStatus.COMPLETED, applied.await().status());
    assertEquals("claimed", statusOf(poisoned.id()));
    assertEquals(List.of("completed", "completed", "completed", "completed"),
        blocked.stream().map(f -> f.await().status().wireName()).collect(Collectors.toList()));
  }
}
