package io.taskq.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The embedded PostgreSQL (zonky) that taskq runs on when no TASKQ_DB_URL is given, with its
 * data kept under the data directory so that it survives restarts.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());

  static {
    // zonky relays initdb's and the server's chatter at INFO; our own line says what matters.
    Logger.getLogger("io.zonky").setLevel(java.util.logging.Level.WARNING);
  }

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts PostgreSQL on a free port; blocking, so call it before any event loop runs. */
  public static EmbeddedDatabase start(Path dataDirectory, boolean keepData) throws IOException {
    Path pgData = dataDirectory.toAbsolutePath().resolve("postgres");
    Files.createDirectories(pgData.getParent());
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(!keepData)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "200")
        // zonky turns synchronous_commit off by default: a kept database must not lose acknowledged
        // commits in a crash. A throwaway one (tests) needs no flush per commit at all.
        .setServerConfig("fsync", keepData ? "on" : "off")
        .setServerConfig("synchronous_commit", keepData ? "on" : "off")
        .start();
    LOG.info("embedded PostgreSQL started on port " + postgres.getPort() + ", data in " + pgData);
    return new EmbeddedDatabase(postgres);
  }

  public DatabaseTarget target(String database) {
    return new DatabaseTarget("localhost", postgres.getPort(), database, "postgres", null);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
