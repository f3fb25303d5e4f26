package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.Pools;
import io.taskq.queue.ClaimRequest;
import io.taskq.queue.Completion;
import io.taskq.queue.DuplicateStrategy;
import io.taskq.queue.LinkType;
import io.taskq.queue.NewTask;
import io.taskq.queue.Task;
import io.taskq.queue.TaskStatus;
import io.taskq.store.DependencyStore.ItemState;
import io.taskq.store.TaskStore.Shared;
import io.taskq.store.TaskStore.Transition;
import io.taskq.support.StatsInvariant;
import io.taskq.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TaskSql.COMPLETE_AND_CLAIM through the store: a completion batch and a claim in one statement,
 * with the completions it must leave to COMPLETE_ALL (a type with a max_concurrency limit, whose
 * counter row the claim part may update too) completed after it, and a batch with a task known to
 * have dependents not sent at all.
 */
class CompleteAndClaimTest {

  private static final long PROJECT = 1;
  private static final String LIMITED = "lim";
  private static Vertx vertx;
  private static Pool pool;
  private static PgTaskStore tasks;
  private static PgDependencyStore links;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("complete_and_claim");
    TestDatabase.execute(db, "INSERT INTO projects (id, name) VALUES (" + PROJECT + ", 'p')");
    TestDatabase.execute(db, "INSERT INTO task_type_limits (type, max_concurrency) VALUES ('" + LIMITED + "', 5)");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 3);
    tasks = new PgTaskStore(pool);
    links = new PgDependencyStore(pool);
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  @AfterEach
  void countersAgree() {
    assertEquals(List.of(), StatsInvariant.violations(pool));
  }

  /** Each new task outranks every earlier one, so that a claim takes the newest. */
  private static final AtomicInteger PRIORITY = new AtomicInteger();

  private static NewTask newTask(String type) {
    return new NewTask(type, "1", null, null, new JsonObject(), PRIORITY.incrementAndGet(), null, null, null, null, 3, 30);
  }

  /** A new task of the type, claimed. */
  private static Task claimed(String type) {
    tasks.insertIfAbsent(PROJECT, newTask(type)).await();
    return tasks.claimAvailable(PROJECT, "holder", List.of(type), 1, null).await().get(0);
  }

  private static Completion completionOf(Task task, UUID lease) {
    return new Completion(PROJECT, task.id(), lease, new JsonObject().put("done", task.id()));
  }

  private static Shared shared(List<Completion> completions, String... workers) {
    List<ClaimRequest> requests = java.util.Arrays.stream(workers).map(w -> new ClaimRequest(w, 1, null)).toList();
    Optional<Shared> shared = tasks.completeAllAndClaim(completions, PROJECT, List.of(), requests).await();
    assertTrue(shared.isPresent(), "the shared statement ran");
    return shared.get();
  }

  private static long count(String query, Object... args) {
    return pool.preparedQuery(query).execute(Tuple.from(args)).await().iterator().next().getLong(0);
  }

  @Test
  void completesAndClaimsInOneStatementEachWithItsLogAndAnswer() {
    Task done = claimed("t");
    tasks.insertIfAbsent(PROJECT, newTask("t")).await();
    tasks.insertIfAbsent(PROJECT, newTask("t")).await();

    Shared shared = shared(List.of(completionOf(done, done.leaseId())), "a", "b");
    Transition completed = shared.completed().await().get(0);

    assertTrue(completed.applied());
    assertEquals(TaskStatus.COMPLETED, completed.task().orElseThrow().status());
    assertEquals(new JsonObject().put("done", done.id()), completed.task().orElseThrow().result());
    assertEquals(2, shared.claimed().size());
    for (int r = 0; r < 2; r++) {
      Task task = shared.claimed().get(r).get(0);
      assertEquals(List.of("a", "b").get(r), task.workerId(), "each request gets its own slot's task");
      assertEquals(TaskStatus.CLAIMED, task.status());
      assertEquals(1, count("SELECT count(*) FROM task_logs WHERE task_id = $1 AND event = 'claimed'", task.id()));
    }
    assertEquals(1, count("SELECT count(*) FROM task_logs WHERE task_id = $1 AND event = 'completed'", done.id()));
  }

  @Test
  void aTaskOfALimitedTypeIsCompletedAfterTheSharedStatementAndGivesItsRoomBack() {
    Task limited = claimed(LIMITED);
    assertEquals(1, count("SELECT claimed FROM task_type_limits WHERE type = $1", LIMITED));
    tasks.insertIfAbsent(PROJECT, newTask(LIMITED)).await();

    Shared shared = shared(List.of(completionOf(limited, limited.leaseId())), "a");
    Transition completed = shared.completed().await().get(0);

    assertTrue(completed.applied());
    assertEquals(TaskStatus.COMPLETED, completed.task().orElseThrow().status());
    assertEquals(LIMITED, shared.claimed().get(0).get(0).type(), "the claim part takes room for a limited task");
    assertEquals(1, count("SELECT claimed FROM task_type_limits WHERE type = $1", LIMITED),
        "one task of the type claimed, one completed: each counted once");
    tasks.completeIfLeaseHeld(PROJECT, shared.claimed().get(0).get(0).id(), shared.claimed().get(0).get(0).leaseId(), null).await();
    assertEquals(0, count("SELECT claimed FROM task_type_limits WHERE type = $1", LIMITED));
  }

  @Test
  void aCompletionUnderAnotherLeaseIsAnsweredAsFoundAndTheClaimStillClaims() {
    Task held = claimed("t");
    tasks.insertIfAbsent(PROJECT, newTask("t")).await();

    Shared shared = shared(List.of(completionOf(held, UUID.randomUUID())), "a");
    Transition refused = shared.completed().await().get(0);

    assertFalse(refused.applied());
    assertEquals(TaskStatus.CLAIMED, refused.task().orElseThrow().status());
    assertEquals(held.leaseId(), refused.task().orElseThrow().leaseId());
    assertEquals(1, shared.claimed().get(0).size());
  }

  @Test
  void aBatchWithATaskKnownToHaveDependentsIsNotSent() {
    Task prerequisite = tasks.insertIfAbsent(PROJECT, newTask("t")).await().task();
    links.inTransaction(w -> w.markPrerequisites(PROJECT, List.of(prerequisite.id()), List.of(), List.of(), List.of())
        .compose(found -> w.insertItems(PROJECT, List.of(newTask("t")), List.of(new ItemState(1, false)), DuplicateStrategy.NONE))
        .compose(created -> w.link(List.of(created.get(0).id()), List.of(prerequisite.id()), List.of(LinkType.REQUIRES)))).await();
    // The claim's row says the task has dependents, and the store notes it.
    Task again = tasks.claimAvailable(PROJECT, "holder", List.of(), 1, null).await().get(0);
    assertEquals(prerequisite.id(), again.id());
    long claimedBefore = count("SELECT count(*) FROM tasks WHERE status = 'claimed'");

    Optional<Shared> shared = tasks.completeAllAndClaim(List.of(completionOf(again, again.leaseId())), PROJECT, List.of(),
        List.of(new ClaimRequest("a", 1, null))).await();

    assertTrue(shared.isEmpty(), "left to COMPLETE_ALL, whose statement releases dependents");
    assertEquals(claimedBefore, count("SELECT count(*) FROM tasks WHERE status = 'claimed'"), "nothing was claimed either");
    Transition completed = tasks.completeIfLeaseHeld(PROJECT, again.id(), again.leaseId(), null).await();
    assertEquals(1, completed.released());
  }
}
