package io.taskq.support;

import io.taskq.app.TaskqServer;
import io.taskq.config.RetryPolicy;
import io.taskq.config.TaskqConfig;
import io.taskq.db.DatabaseTarget;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.Map;

/** A real taskq on its own fresh database, on a random port, with a known admin key. */
public final class TestServer implements AutoCloseable {

  public static final String ADMIN_KEY = "tq_test_admin_key_0123456789abcdef";

  private final TaskqServer server;
  private final DatabaseTarget database;
  private Pool sql;

  private TestServer(TaskqServer server, DatabaseTarget database) {
    this.server = server;
    this.database = database;
  }

  public static TestServer start(String label) {
    return start(label, config -> config);
  }

  public static TestServer start(String label, java.util.function.UnaryOperator<TaskqConfig> tweak) {
    DatabaseTarget database = TestDatabase.fresh(label);
    return startOn(database, tweak);
  }

  public static TestServer startOn(DatabaseTarget database, java.util.function.UnaryOperator<TaskqConfig> tweak) {
    TaskqConfig config = TaskqConfig.fromEnvironment(Map.of())
        .withHttpPort(0)
        .withAdminKey(ADMIN_KEY)
        // Quick sweeps and short backoffs keep lease and retry tests fast without sleeping.
        .withSweepInterval(Duration.ofMillis(100))
        .withRetry(new RetryPolicy(0.2, 1, 0.25));
    try {
      return new TestServer(TaskqServer.start(tweak.apply(config), database, null), database);
    } catch (Exception e) {
      throw new IllegalStateException("taskq did not start", e);
    }
  }

  public int port() {
    return server.port();
  }

  public Vertx vertx() {
    return server.vertx();
  }

  public DatabaseTarget database() {
    return database;
  }

  public TaskqServer server() {
    return server;
  }

  /** A direct SQL client on the same database, for assertions on what was stored. */
  public synchronized Pool sql() {
    if (sql == null) {
      sql = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(database.connectOptions())
          .using(server.vertx()).build();
    }
    return sql;
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
