package io.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

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
