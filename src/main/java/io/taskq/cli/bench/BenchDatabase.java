package io.taskq.cli.bench;

import io.taskq.db.DatabaseCreator;
import io.taskq.db.DatabaseTarget;
import io.taskq.db.EmbeddedDatabase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The database of a server the bench starts: TASKQ_DB_URL's when set, else an embedded
 * PostgreSQL of the bench's own in a temporary directory. The embedded one flushes the WAL at
 * every commit, as a production database would: a benchmark without that flatters every
 * write. fsync alone is not enough, because zonky starts PostgreSQL with
 * {@code synchronous_commit=off} on its command line (a commit then returns before its WAL is
 * on disk); a per-database setting outranks the command line, so the bench's database gets
 * {@code synchronous_commit=on} before the server first connects.
 */
final class BenchDatabase implements AutoCloseable {

  static final String EMBEDDED_DATABASE_NAME = "taskq_bench";

  private final String url;
  private final Optional<EmbeddedDatabase> embedded;

  private final Thread shutdownHook = new Thread(this::stopQuietly, "bench-database-stop");

  private BenchDatabase(String url, Optional<EmbeddedDatabase> embedded) {
    this.url = url;
    this.embedded = embedded;
    if (embedded.isPresent()) {
      // An interrupted bench must not leave a PostgreSQL running.
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /** Blocking (the embedded start takes seconds): call it from the main thread. */
  static BenchDatabase open(Map<String, String> env, Path workDirectory) throws IOException {
    String given = env.get("TASKQ_DB_URL");
    if (given != null && !given.isBlank()) {
      return new BenchDatabase(given, Optional.empty());
    }
    EmbeddedDatabase database = EmbeddedDatabase.start(workDirectory, true);
    BenchDatabase opened = new BenchDatabase(database.target(EMBEDDED_DATABASE_NAME).describe(), Optional.of(database));
    try {
      commitDurably(database.target(EMBEDDED_DATABASE_NAME));
    } catch (SQLException | RuntimeException e) {
      opened.close();
      throw new IOException("cannot prepare the bench's database: " + e.getMessage(), e);
    }
    return opened;
  }

  private static void commitDurably(DatabaseTarget target) throws SQLException {
    DatabaseCreator.ensureExists(target);
    DatabaseTarget admin = target.withDatabase("postgres");
    try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties());
        Statement statement = connection.createStatement()) {
      statement.execute("ALTER DATABASE " + DatabaseCreator.quoteIdentifier(target.database()) + " SET synchronous_commit = on");
    }
  }

  /** {@code postgresql://...}, as TASKQ_DB_URL takes it. */
  String url() {
    return url;
  }

  boolean embedded() {
    return embedded.isPresent();
  }

  @Override
  public void close() throws IOException {
    if (embedded.isEmpty()) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook stops it
      return;
    }
    embedded.get().close();
  }

  private void stopQuietly() {
    try {
      embedded.get().close();
    } catch (IOException | RuntimeException e) {
      System.err.println("bench: stopping the embedded PostgreSQL: " + e);
    }
  }
}
