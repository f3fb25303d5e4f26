package io.taskq.reliability;

import io.taskq.db.DatabaseTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A PostgreSQL of one test's own, which the test may stop and start again: same data directory,
 * same port, so that clients reconnect to the address they know. Durable like production
 * (fsync and synchronous_commit on), unlike the suite's shared throwaway database.
 */
final class RestartablePostgres implements AutoCloseable {

  private final Path data;
  private final int port;
  private EmbeddedPostgres running;

  private RestartablePostgres(Path data, int port) {
    this.data = data;
    this.port = port;
  }

  static RestartablePostgres start() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RestartablePostgres pg = new RestartablePostgres(Files.createTempDirectory("taskq-restart-pg").resolve("postgres"), port);
    pg.startAgain();
    return pg;
  }

  /** Starts on the existing data directory (creating it the first time). */
  void startAgain() throws IOException {
    if (running != null) {
      throw new IllegalStateException("already running");
    }
    running = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "100")
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .start();
  }

  /** A clean stop (pg_ctl stop, fast mode): sessions are ended, committed work is kept. */
  void stop() throws IOException {
    if (running != null) {
      EmbeddedPostgres pg = running;
      running = null;
      pg.close();
    }
  }

  DatabaseTarget target(String database) {
    return new DatabaseTarget("localhost", port, database, "postgres", null);
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
