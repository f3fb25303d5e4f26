package io.taskq.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.Pools;
import io.taskq.queue.ClaimRequest;
import io.taskq.queue.Task;
import io.taskq.support.Poll;
import io.taskq.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The claim reads task_ready (changeset 038), whose slots the leader empties with TRUNCATE: pending
 * tasks survive every rotation, and a claim made while a snapshot holds the xmin horizon back
 * meets only the dead entries of the last periods, not one per claim made since the snapshot.
 */
class ReadyRingTest {

  private static final String ROTATE = "SELECT taskq_ready_rotate(20000) AS kept";
  private static final Pattern SHARED_BUFFERS = Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?");
  private static Vertx vertx;
  private static Pool pool;
  private static Pool held;
  private static PgTaskStore store;
  private static long nextProject = 1;

  @BeforeAll
  static void start() {
    DatabaseTarget db = TestDatabase.fresh("ready_ring");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 1);
    held = Pools.create(vertx, db, 1);
    store = new PgTaskStore(pool);
  }

  @AfterAll
  static void stop() {
    held.close().await();
    pool.close().await();
    vertx.close().await();
  }

  private static long newProject() {
    long project = nextProject++;
    pool.query("INSERT INTO projects (id, name) VALUES (" + project + ", 'p')").execute().await();
    return project;
  }

  @Test
  void pendingTasksStayClaimableInClaimOrderWhileTheirSlotsAreEmptied() {
    long project = newProject();
    pool.query("INSERT INTO tasks (project_id, type, type_version, priority, max_attempts, lease_seconds) "
        + "SELECT " + project + ", 't', '1', g, 3, 30 FROM generate_series(1, 3) g").execute().await();

    // Each rotation that empties the slot holding the three copies them forward; after two copies
    // they have been in every slot, each emptied under them once.
    AtomicLong copied = new AtomicLong();
    Poll.until(() -> copied.addAndGet(Math.max(0, rotate())), n -> n >= 6, Duration.ofSeconds(10));

    List<Task> claimed = store.claimAvailable(project, List.of(), List.of(new ClaimRequest("w", 5, null))).await().get(0);
    assertEquals(List.of(3, 2, 1), claimed.stream().map(Task::priority).toList(), "every task, in claim order");
    assertEquals(0L, scalar("SELECT count(*) FROM task_ready WHERE project_id = " + project), "claimed tasks leave task_ready");
  }

  @Test
  void aClaimUnderAHeldSnapshotMeetsOnlyTheLastPeriodsDeadEntries() {
    long project = newProject();
    SqlConnection snapshot = held.getConnection().await();
    try {
      snapshot.query("BEGIN ISOLATION LEVEL REPEATABLE READ").execute().await();
      snapshot.query("SELECT count(*) FROM projects").execute().await(); // takes the snapshot
      pool.query("INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds) "
          + "SELECT " + project + ", 't', '1', 3, 30 FROM generate_series(1, 3000)").execute().await();
      assertEquals(3000, store.claimAvailable(project, List.of(), List.of(new ClaimRequest("w", 3000, null))).await().get(0).size());
      pool.query("INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds) "
          + "VALUES (" + project + ", 't', '1', 3, 30)").execute().await();

      // The 3,000 dead ready rows are dead to every snapshot but the held one, which keeps them
      // from VACUUM; the claimable index of tasks kept 3,000 such entries ahead of the last task,
      // and a claim read them all (over 3,000 buffer hits). Once the slot is emptied, none is left.
      long buffers = Poll.until(() -> {
        rotate();
        return claimBuffers(project);
      }, n -> n < 100, Duration.ofSeconds(10));
      assertTrue(buffers < 100, "buffers a claim touches: " + buffers);
    } finally {
      snapshot.query("ROLLBACK").execute().await();
      snapshot.close().await();
    }
  }

  @Test
  void aClaimFromADeepBacklogReadsItsHeadOnly() {
    long project = newProject();
    pool.query("INSERT INTO tasks (project_id, type, type_version, priority, max_attempts, lease_seconds) "
        + "SELECT " + project + ", 't', '1', g % 7, 3, 30 FROM generate_series(1, 20000) g").execute().await();

    // A walk that read and sorted the project's ready rows, or looked each task up through an
    // index of all pending tasks, would touch thousands of buffers here.
    long buffers = claimBuffers(project);
    assertTrue(buffers < 100, "buffers a claim touches with 20,000 tasks pending: " + buffers);
    List<Task> claimed = store.claimAvailable(project, List.of(), List.of(new ClaimRequest("w", 3, null))).await().get(0);
    assertEquals(List.of(6, 6, 6), claimed.stream().map(Task::priority).toList(), "the highest priority first");
  }

  private static long rotate() {
    return pool.query(ROTATE).execute().await().iterator().next().getLong("kept");
  }

  private static long scalar(String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }

  /** The shared buffers one claim of the project's next task touches (the claim is rolled back). */
  private static long claimBuffers(long project) {
    SqlConnection connection = pool.getConnection().await();
    try {
      connection.query("BEGIN").execute().await();
      connection.query("PREPARE claim_plan AS " + TaskSql.CLAIM).execute().await();
      StringBuilder plan = new StringBuilder();
      for (Row row : connection.query("EXPLAIN (ANALYZE, BUFFERS) EXECUTE claim_plan(" + project + ", '{}', '{w}', '{NULL}')")
          .execute().await()) {
        plan.append(row.getString(0)).append('\n');
      }
      Matcher total = SHARED_BUFFERS.matcher(plan);
      assertTrue(total.find(), plan.toString());
      return Long.parseLong(total.group(1)) + (total.group(2) == null ? 0 : Long.parseLong(total.group(2)));
    } finally {
      connection.query("ROLLBACK").execute().await();
      connection.query("DEALLOCATE claim_plan").execute().await(); // a prepared statement outlives a rollback
      connection.close().await();
    }
  }
}
