package io.taskq.support;

import io.taskq.db.DatabaseCreator;
import io.taskq.db.DatabaseTarget;
import io.taskq.db.EmbeddedDatabase;
import io.taskq.db.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL per test JVM: the embedded one, or the server named by TASKQ_TEST_DB_URL.
 * The schema is migrated once into a template database; each test class gets its own copy
 * ({@code CREATE DATABASE ... TEMPLATE}), which takes milliseconds instead of a migration.
 */
public final class TestDatabase {

  private static final String TEMPLATE = "taskq_test_template";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static DatabaseTarget server;

  private TestDatabase() {
  }

  /** The server's {@code postgres} database, starting the embedded PostgreSQL on first use. */
  public static synchronized DatabaseTarget server() {
    if (server == null) {
      try {
        String url = System.getenv("TASKQ_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
          server = DatabaseTarget.parse(url).withDatabase("postgres");
        } else {
          Path data = Files.createTempDirectory("taskq-test-pg");
          EmbeddedDatabase embedded = EmbeddedDatabase.start(data, false);
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              embedded.close();
            } catch (Exception ignored) {
              // the JVM is going away either way
            }
          }));
          server = embedded.target("postgres");
        }
        DatabaseTarget template = server.withDatabase(TEMPLATE);
        execute(server, "DROP DATABASE IF EXISTS " + TEMPLATE);
        DatabaseCreator.ensureExists(template);
        Migrations.update(template);
      } catch (Exception e) {
        throw new IllegalStateException("cannot prepare the test database", e);
      }
    }
    return server;
  }

  /** A fresh, migrated database of its own. */
  public static DatabaseTarget fresh(String label) {
    DatabaseTarget admin = server();
    String name = "taskq_t_" + label.toLowerCase().replaceAll("[^a-z0-9]", "_") + "_" + ProcessHandle.current().pid()
        + "_" + COUNTER.incrementAndGet();
    execute(admin, "DROP DATABASE IF EXISTS " + name);
    execute(admin, "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    return admin.withDatabase(name);
  }

  /** A database that does not exist yet (for start-up tests). */
  public static DatabaseTarget absent(String label) {
    DatabaseTarget admin = server();
    String name = "taskq_t_" + label + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    execute(admin, "DROP DATABASE IF EXISTS " + name);
    return admin.withDatabase(name);
  }

  public static void execute(DatabaseTarget target, String sql) {
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (Exception e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
