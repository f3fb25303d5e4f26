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
import io.taskq.store.TaskStore.Transition;
import io.taskq.support.DependencyInvariant;
import io.taskq.support.Poll;
import io.taskq.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The race between changing a task's links and finishing the task, played step by step on two
 * connections: the finishing statement's snapshot predates the link change, and without the guard
 * (TaskSql.DEPENDENTS_SEEN) it would miss a new link (the dependent would wait for ever) or count
 * a removed one (the dependent would be decremented twice). A task claimed with dependents is
 * completed by TaskSql.COMPLETE_ALL, whose guard answers the raced completion not applied; one
 * claimed without is tried by TaskSql.COMPLETE_ALL_WITHOUT_DEPENDENTS first, which refuses it once
 * it has a dependent, and the store completes it through COMPLETE_ALL in the same call.
 */
class LinkRaceTest {

  private static final long PROJECT = 1;
  private static Vertx vertx;
  private static Pool pool;
  private static PgTaskStore tasks;
  private static PgDependencyStore links;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("link_race");
    TestDatabase.execute(db, "INSERT INTO projects (id, name) VALUES (" + PROJECT + ", 'p')");
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
  void countsAgreeWithLinks() {
    assertEquals(List.of(), DependencyInvariant.violations(pool));
  }

  /** Each new task outranks every earlier one, so that the claim below takes it and nothing left by another test. */
  private static final AtomicInteger PRIORITY = new AtomicInteger();

  private static NewTask newTask() {
    return new NewTask("t", "1", null, null, new JsonObject(), PRIORITY.incrementAndGet(), null, null, null, null, 3, 30);
  }

  private static Task claimedTask() {
    tasks.insertIfAbsent(PROJECT, newTask()).await();
    return claimed();
  }

  /** The pending task of the highest priority, claimed. */
  private static Task claimed() {
    return tasks.claimAvailable(PROJECT, "w", List.of(), 1, null).await().get(0);
  }

  /** A new blocked task that requires each of the given tasks. */
  private static Task dependentOf(Long... prerequisites) {
    List<Long> ids = List.of(prerequisites);
    return links.inTransaction(w -> w.markPrerequisites(PROJECT, ids, List.of(), List.of(), List.of())
        .compose(found -> w.insertItems(PROJECT, List.of(newTask()), List.of(new ItemState(ids.size(), false)), DuplicateStrategy.NONE))
        .compose(created -> w.link(java.util.Collections.nCopies(ids.size(), created.get(0).id()), ids,
            java.util.Collections.nCopies(ids.size(), LinkType.REQUIRES)).map(created.get(0)))).await();
  }

  /** A completion, and the dependent a link made while it ran gave its task. */
  private record Raced(Transition completion, Task dependent) {}

  /**
   * Completes the prerequisite while a transaction links a new dependent to it: the completion
   * starts after the link's update of the prerequisite's row and waits for its lock, and the link
   * commits while it waits.
   */
  private static Raced completedWhileLinked(Task prerequisite) {
    Promise<Void> linked = Promise.promise();
    Promise<Void> commit = Promise.promise();
    Future<Task> linker = links.inTransaction(w -> w.markPrerequisites(PROJECT, List.of(prerequisite.id()), List.of(), List.of(),
            List.of())
        .compose(found -> w.insertItems(PROJECT, List.of(newTask()), List.of(new ItemState(1, false)), DuplicateStrategy.NONE))
        .compose(created -> w.link(List.of(created.get(0).id()), List.of(prerequisite.id()), List.of(LinkType.REQUIRES))
            .map(created.get(0)))
        .compose(dependent -> {
          linked.complete();
          return commit.future().map(dependent);
        }));
    linked.future().await();
    Future<List<Transition>> completion = complete(prerequisite);
    untilSomeoneWaitsForALock();
    commit.complete();
    Task dependent = linker.await();
    assertEquals(TaskStatus.BLOCKED, dependent.status());
    return new Raced(completion.await().get(0), dependent);
  }

  /** Until a backend waits for a row lock: the statement under test has hit the open transaction's lock. */
  private static void untilSomeoneWaitsForALock() {
    Poll.until(() -> pool.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'").execute().await()
        .iterator().next().getLong(0), n -> n > 0, Duration.ofSeconds(10));
  }

  private static Future<List<Transition>> complete(Task t) {
    return tasks.completeAllIfLeaseHeld(List.of(new Completion(PROJECT, t.id(), t.leaseId(), null)));
  }

  @Test
  void aCompletionOfATaskClaimedWithADependentThatWaitedForANewLinkAnswersNotAppliedAndItsRepeatReleasesBoth() {
    tasks.insertIfAbsent(PROJECT, newTask()).await();
    Task first = dependentOf(pendingTaskOfHighestPriority());
    Task prerequisite = claimed();
    Raced race = completedWhileLinked(prerequisite);
    Task second = race.dependent();
    Transition raced = race.completion();
    assertFalse(raced.applied(), "the completion saw a newer version of its task and left it alone");
    assertEquals(TaskStatus.CLAIMED, raced.task().orElseThrow().status());
    Transition again = complete(prerequisite).await().get(0);
    assertTrue(again.applied());
    assertEquals(2, again.released());
    assertEquals(TaskStatus.PENDING, tasks.find(PROJECT, first.id()).await().orElseThrow().status());
    assertEquals(TaskStatus.PENDING, tasks.find(PROJECT, second.id()).await().orElseThrow().status());
  }

  @Test
  void aCompletionOfATaskClaimedWithoutDependentsThatWaitedForANewLinkReleasesTheDependentInTheSameCall() {
    Task prerequisite = claimedTask();
    Raced race = completedWhileLinked(prerequisite);
    Task dependent = race.dependent();
    Transition done = race.completion();
    assertTrue(done.applied(), "refused for its new dependent, then completed through the statement that releases");
    assertEquals(1, done.released());
    assertEquals(TaskStatus.PENDING, tasks.find(PROJECT, dependent.id()).await().orElseThrow().status());
  }

  @Test
  void aTaskClaimedWithADependentOnAnotherInstanceIsCompletedAndReleasesIt() {
    tasks.insertIfAbsent(PROJECT, newTask()).await();
    Task dependent = dependentOf(pendingTaskOfHighestPriority());
    PgTaskStore otherInstance = new PgTaskStore(pool);
    Task prerequisite = otherInstance.claimAvailable(PROJECT, "w", List.of(), 1, null).await().get(0);

    Transition done = complete(prerequisite).await().get(0);
    assertTrue(done.applied(), "refused for its dependent, then completed through the statement that releases");
    assertEquals(1, done.released());
    assertEquals(TaskStatus.PENDING, tasks.find(PROJECT, dependent.id()).await().orElseThrow().status());
  }

  /** The id of the pending task a claim would take next (the newest, by priority). */
  private static Long pendingTaskOfHighestPriority() {
    return pool.query("SELECT id FROM tasks WHERE status = 'pending' ORDER BY priority DESC LIMIT 1").execute().await()
        .iterator().next().getLong(0);
  }

  @Test
  void aCompletionThatWaitedForAnUnlinkDoesNotCountTheRemovedLinkAgain() {
    tasks.insertIfAbsent(PROJECT, newTask()).await();
    Long otherId = pendingTaskOfHighestPriority();
    tasks.insertIfAbsent(PROJECT, newTask()).await();
    Long prerequisiteId = pendingTaskOfHighestPriority();
    Task dependent = dependentOf(prerequisiteId, otherId);
    Task prerequisite = claimed(); // claimed with its dependent: completed through COMPLETE_ALL
    Task other = claimed();
    assertEquals(List.of(prerequisiteId, otherId), List.of(prerequisite.id(), other.id()));

    Promise<Void> unlinked = Promise.promise();
    Promise<Void> commit = Promise.promise();
    Future<Void> unlinker = pool.getConnection().compose(conn -> conn.begin().compose(tx ->
        conn.preparedQuery(DependencySql.UNLINK).execute(Tuple.of(PROJECT, dependent.id(), prerequisite.id()))
            .compose(rows -> {
              unlinked.complete();
              return commit.future();
            })
            .compose(v -> tx.commit()))
        .eventually(conn::close));
    unlinked.future().await();
    Future<List<Transition>> completion = complete(prerequisite);
    untilSomeoneWaitsForALock();
    commit.complete();
    unlinker.await();

    Transition first = completion.await().get(0);
    assertFalse(first.applied());
    Transition again = complete(prerequisite).await().get(0);
    assertTrue(again.applied());
    assertEquals(0, again.released(), "the link was gone: nothing to release");
    Task now = tasks.find(PROJECT, dependent.id()).await().orElseThrow();
    assertEquals(1, now.unmetPrerequisites(), "decremented once, by the unlink; the other prerequisite still holds it");
    assertEquals(TaskStatus.BLOCKED, now.status());
  }
}
