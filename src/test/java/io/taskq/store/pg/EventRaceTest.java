package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.Pools;
import io.taskq.queue.DuplicateStrategy;
import io.taskq.queue.NewTask;
import io.taskq.queue.Task;
import io.taskq.queue.TaskStatus;
import io.taskq.store.DependencyStore.GraphWriter;
import io.taskq.store.DependencyStore.ItemState;
import io.taskq.store.EventStore.Arrival;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The race between an event's arrival and a graph whose task waits on it, played step by step on
 * two connections, each side holding its transaction open while the other runs. Without the
 * advisory lock of (project, key), the arrival's snapshot would miss the graph's uncommitted wait
 * (the task would wait for ever), or the graph's look-up would miss the uncommitted event (the
 * same). With it, the second side waits for the first to commit and then sees what it did.
 */
class EventRaceTest {

  private static final long PROJECT = 1;
  private static final Duration RETENTION = Duration.ofDays(1);
  private static Vertx vertx;
  private static Pool pool;
  private static PgTaskStore tasks;
  private static PgDependencyStore graphs;
  private static PgEventStore events;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("event_race");
    TestDatabase.execute(db, "INSERT INTO projects (id, name) VALUES (" + PROJECT + ", 'p')");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 3);
    tasks = new PgTaskStore(pool);
    graphs = new PgDependencyStore(pool);
    events = new PgEventStore(pool);
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  @AfterEach
  void countsAgreeWithWaits() {
    assertEquals(List.of(), DependencyInvariant.violations(pool));
  }

  private static NewTask newTask() {
    return new NewTask("t", "1", null, null, new JsonObject(), 0, null, null, null, null, 3, 30);
  }

  /** Until a backend waits for a lock: the statement under test has hit the open transaction's advisory lock. */
  private static void untilSomeoneWaitsForALock() {
    Poll.until(() -> pool.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'").execute().await()
        .iterator().next().getLong(0), n -> n > 0, Duration.ofSeconds(10));
  }

  /** A graph of one task waiting on {@code key}, in GraphWrite's order: lock the key, look it up, insert, record the wait. */
  private static Future<Task> insertWaiting(GraphWriter w, String key) {
    return w.lockEventKeys(PROJECT, List.of(key))
        .compose(v -> w.findArrivedEvents(PROJECT, List.of(key)))
        .compose(arrived -> {
          boolean waits = !arrived.containsKey(key);
          JsonObject payloads = waits ? null : new JsonObject().put(key, arrived.get(key));
          return w.insertItems(PROJECT, List.of(newTask()), List.of(new ItemState(waits ? 1 : 0, false, payloads, null, false, null)),
                  DuplicateStrategy.NONE)
              .compose(created -> (waits ? w.waitOnEvents(PROJECT, List.of(created.get(0).id()), List.of(key))
                  : Future.<Void>succeededFuture()).map(created.get(0)));
        });
  }

  @Test
  void anEventSentWhileAGraphWaitingOnItIsOpenReleasesItsTaskOnceTheGraphCommits() {
    Promise<Void> written = Promise.promise();
    Promise<Void> commit = Promise.promise();
    Future<Task> graph = graphs.inTransaction(w -> insertWaiting(w, "late").compose(task -> {
      written.complete();
      return commit.future().map(task);
    }));
    written.future().await();

    Future<Arrival> arrival = events.receive(PROJECT, "late", "payload", RETENTION);
    untilSomeoneWaitsForALock();
    commit.complete();
    Task waiting = graph.await();
    assertEquals(TaskStatus.BLOCKED, waiting.status(), "the graph found no event: its task waits");

    Arrival arrived = arrival.await();
    assertTrue(arrived.created());
    assertEquals(1, arrived.released(), "the arrival saw the committed wait");
    Task now = tasks.find(PROJECT, waiting.id()).await().orElseThrow();
    assertEquals(TaskStatus.PENDING, now.status());
    assertEquals(new JsonObject().put("late", "payload"), now.eventPayloads());
  }

  @Test
  void aGraphWrittenWhileAnArrivalIsOpenSeesTheEventOnceTheArrivalCommits() {
    Promise<Void> received = Promise.promise();
    Promise<Void> commit = Promise.promise();
    Future<Void> arrival = pool.getConnection().compose(conn -> conn.begin().compose(tx ->
            conn.preparedQuery(EventSql.LOCK_KEY).execute(Tuple.of(PROJECT, "early"))
                .compose(v -> conn.preparedQuery(EventSql.RECEIVE).execute(Tuple.of(PROJECT, "early", "\"payload\"", RETENTION.toSeconds())))
                .compose(rows -> {
                  received.complete();
                  return commit.future();
                })
                .compose(v -> tx.commit()))
        .eventually(conn::close));
    received.future().await();

    Future<Task> graph = graphs.inTransaction(w -> insertWaiting(w, "early"));
    untilSomeoneWaitsForALock();
    commit.complete();
    arrival.await();

    Task created = graph.await();
    assertEquals(TaskStatus.PENDING, created.status(), "the graph's look-up came after the arrival committed");
    assertEquals(0, created.unmetPrerequisites());
    assertEquals(new JsonObject().put("early", "payload"), created.eventPayloads());
    assertEquals(0L, pool.query("SELECT count(*) FROM task_event_waits").execute().await().iterator().next().getLong(0),
        "no wait was recorded");
  }
}
