package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.Pools;
import io.taskq.queue.ClaimRequest;
import io.taskq.queue.Task;
import io.taskq.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One claim statement serving several requests, against PostgreSQL: each request gets the
 * tasks of its own slots, in claim order, under its own worker id and lease length.
 */
class CombinedClaimTest {

  private static final long PROJECT = 1;
  private static Vertx vertx;
  private static Pool pool;
  private static PgTaskStore store;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("combined_claim");
    TestDatabase.execute(db, "INSERT INTO projects (id, name) VALUES (" + PROJECT + ", 'p')");
    TestDatabase.execute(db, "INSERT INTO task_types (name, version, param_schema) VALUES ('t', 1, '{}')");
    // Ten tasks whose claim order is their priority, highest first: ids 10, 9, ..., 1.
    TestDatabase.execute(db, "INSERT INTO tasks (id, project_id, type, type_version, priority, max_attempts, lease_seconds) "
        + "SELECT g, " + PROJECT + ", 't', 1, g, 3, 30 FROM generate_series(1, 10) g");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 1);
    store = new PgTaskStore(pool);
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  @Test
  void eachRequestGetsItsOwnSlotsInClaimOrderWithItsWorkerAndLease() {
    List<List<Task>> claimed = store.claimAvailable(PROJECT, List.of(), List.of(
        new ClaimRequest("a", 3, 100),
        new ClaimRequest("b", 4, null),
        new ClaimRequest("c", 5, 200))).await();

    assertEquals(List.of(10L, 9L, 8L), ids(claimed.get(0)));
    assertEquals(List.of(7L, 6L, 5L, 4L), ids(claimed.get(1)));
    assertEquals(List.of(3L, 2L, 1L), ids(claimed.get(2)), "the last request gets what is left");
    assertHeldBy(claimed.get(0), "a", 100);
    assertHeldBy(claimed.get(1), "b", 30);
    assertHeldBy(claimed.get(2), "c", 200);
  }

  private static List<Long> ids(List<Task> tasks) {
    return tasks.stream().map(Task::id).toList();
  }

  private static void assertHeldBy(List<Task> tasks, String worker, int leaseSeconds) {
    for (Task task : tasks) {
      assertEquals(worker, task.workerId(), "task " + task.id());
      assertEquals(Duration.ofSeconds(leaseSeconds), Duration.between(task.claimedAt(), task.leaseExpiresAt()), "task " + task.id());
    }
  }
}
