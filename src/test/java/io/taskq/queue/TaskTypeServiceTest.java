package io.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.db.Pools;
import io.taskq.schema.ParamSchemas;
import io.taskq.store.pg.PgTaskTypeStore;
import io.taskq.support.TestDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Compiling a param schema can take hundreds of milliseconds: it must never run on an event loop. */
class TaskTypeServiceTest {

  private static DatabaseTarget db;
  private static Vertx vertx;
  private static Pool pool;
  private static ParamSchemas schemas;

  private final List<Boolean> compiledOnEventLoop = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    db = TestDatabase.fresh("task_type_service");
    TestDatabase.execute(db, "INSERT INTO task_types (name, version, param_schema) VALUES ('stored', 1, '{\"type\":\"object\"}')");
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 4);
    schemas = new ParamSchemas(vertx.fileSystem());
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  private TaskTypeService service() {
    return new TaskTypeService(vertx, new PgTaskTypeStore(pool), (schema, pointer, label) -> {
      compiledOnEventLoop.add(Context.isOnEventLoopThread());
      return schemas.compile(schema, pointer, label);
    }, Clock.systemUTC());
  }

  private static <T> T onEventLoop(Supplier<Future<T>> call) {
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(result));
    return result.future().await();
  }

  /** A clock the test moves, standing for the time that lets the short-lived caches lapse. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Test
  void anActiveFlagChangedByAnotherInstanceIsSeenOnceTheCacheLapsesWhicheverWayTheVersionWasFirstFound() {
    TestDatabase.execute(db, "INSERT INTO task_types (name, version, param_schema, active) VALUES ('toggled', '1', '{}', false)");
    MovableClock clock = new MovableClock();
    TaskTypeService types = new TaskTypeService(vertx, new PgTaskTypeStore(pool), schemas::compile, clock);
    assertFalse(onEventLoop(() -> types.find("toggled", "1")).orElseThrow().type().active());
    assertTrue(onEventLoop(() -> types.find("toggled", null)).isEmpty(), "no active version");
    TestDatabase.execute(db, "UPDATE task_types SET active = true WHERE name = 'toggled'");
    clock.advance(TaskTypeService.NEWEST_VERSION_TTL.plusMillis(1));
    assertTrue(onEventLoop(() -> types.find("toggled", null)).orElseThrow().type().active(), "the newest, as stored now");
    assertTrue(onEventLoop(() -> types.find("toggled", "1")).orElseThrow().type().active(), "that version, as stored now");
  }

  @Test
  void registrationCompilesTheSchemaOffTheEventLoop() {
    TaskTypeService types = service();
    onEventLoop(() -> types.register("registered", "1", new JsonObject().put("type", "object"), null, null, Optional.empty()));
    assertEquals(List.of(false), compiledOnEventLoop);
  }

  @Test
  void concurrentFirstCreatesAfterARestartShareOneCompileOffTheEventLoop() {
    TaskTypeService types = service();
    List<Optional<TaskTypeService.ResolvedType>> found = onEventLoop(() -> Future.all(types.find("stored", "1"), types.find("stored", null))
        .map(all -> List.of(all.resultAt(0), all.resultAt(1))));
    assertEquals(List.of(false), compiledOnEventLoop);
    assertSame(found.get(0).orElseThrow().validator(), found.get(1).orElseThrow().validator());
  }
}
