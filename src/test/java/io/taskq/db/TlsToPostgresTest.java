package io.taskq.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.app.TaskqServer;
import io.taskq.config.TaskqConfig;
import io.taskq.support.Api;
import io.taskq.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS from TASKQ_DB_URL against a PostgreSQL of this class's own, started with a certificate
 * from a CA made here, which refuses plain-text connections (pg_hba: hostnossl reject): whatever
 * taskq does on it (create the database, migrate, pool, LISTEN) worked over TLS or not at all.
 */
class TlsToPostgresTest {

  private static final String ADMIN_KEY = "tq_tls_test_admin_key_0123456789";
  private static final String DATABASE = "taskq_tls";

  private static Path directory;
  private static TestCertificates certificates;
  private static EmbeddedPostgres tlsOnly;
  private static Vertx vertx;

  @BeforeAll
  static void startPostgresWithACertificate() throws Exception {
    directory = Files.createTempDirectory("taskq-tls-test");
    certificates = TestCertificates.writeTo(directory);
    Path hba = directory.resolve("pg_hba.conf");
    Files.writeString(hba, """
        local all all trust
        hostnossl all all all reject
        hostssl all all all trust
        """);
    tlsOnly = EmbeddedPostgres.builder()
        .setDataDirectory(directory.resolve("postgres"))
        .setCleanDataDirectory(true)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .setServerConfig("ssl", "on")
        .setServerConfig("ssl_cert_file", certificates.serverCertificate.toString())
        .setServerConfig("ssl_key_file", certificates.serverKey.toString())
        .setServerConfig("hba_file", hba.toString())
        .start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (tlsOnly != null) {
      tlsOnly.close();
    }
    if (directory != null) {
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    }
  }

  @Test
  void theServerStartsMigratesAndServesOverRequireWithEveryConnectionEncrypted() throws Exception {
    DatabaseTarget target = url("localhost", "?sslmode=require");
    try (TaskqServer server = TaskqServer.start(config(), target, null)) {
      new Api(server.vertx(), server.port(), ADMIN_KEY).get("/projects").expect(200);

      // Migrations ran (the changelog is there) on a server that refuses plain text: over TLS.
      assertTrue(changesetsApplied(target) > 10, "the database was migrated over TLS");
      assertTrue(Migrations.status(target).stream().allMatch(Migrations.Changeset::applied), "migrate --status reads it over TLS too");
      // The server's own connections: its pool and the LISTEN connection of long-poll wake-ups.
      Row backends = one(server.vertx(), target, """
          SELECT count(*) FILTER (WHERE s.ssl) AS encrypted, count(*) FILTER (WHERE NOT s.ssl) AS plain,
                 count(*) FILTER (WHERE s.ssl AND a.query LIKE 'LISTEN%') AS listening
          FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
          WHERE a.datname = $1 AND a.pid <> pg_backend_pid()""", Tuple.of(DATABASE));
      assertEquals(0L, backends.getLong("plain"));
      assertTrue(backends.getLong("encrypted") >= 2, "the pool and the listener are connected: " + backends.toJson());
      assertTrue(backends.getLong("listening") >= 1, "the LISTEN connection is encrypted: " + backends.toJson());
    }
    assertTrue(sessionIsEncrypted(target), "a pool taskq builds from the URL encrypts its session");
  }

  @Test
  void aPlainConnectionIsRefusedByThisServer() {
    // What makes the other tests' successes mean "over TLS".
    DatabaseTarget plain = url("localhost", "?sslmode=disable");
    assertThrows(SQLException.class, () -> changesetsApplied(plain));
    assertThrows(ExecutionException.class, () -> sessionIsEncrypted(plain));
  }

  @Test
  void verifyCaStartsWithTheRootThatSignedTheServerAndFailsWithAnother() throws Exception {
    DatabaseTarget right = url("localhost", "?sslmode=verify-ca&sslrootcert=" + certificates.caCertificate);
    try (TaskqServer server = TaskqServer.start(config(), right, null)) {
      new Api(server.vertx(), server.port(), ADMIN_KEY).get("/projects").expect(200);
    }
    assertTrue(sessionIsEncrypted(right));

    DatabaseTarget wrong = url("localhost", "?sslmode=verify-ca&sslrootcert=" + certificates.otherCaCertificate);
    failsAtStart(wrong);
    // Both clients check the chain, not only the JDBC one that connects first at start.
    assertThrows(SQLException.class, () -> changesetsApplied(wrong));
    assertThrows(ExecutionException.class, () -> sessionIsEncrypted(wrong));
  }

  @Test
  void verifyFullStartsOnTheNameTheCertificateCarriesAndFailsOnAnIpAddressItDoesNot() throws Exception {
    String root = "&sslrootcert=" + certificates.caCertificate;
    DatabaseTarget byName = url("localhost", "?sslmode=verify-full" + root);
    try (TaskqServer server = TaskqServer.start(config(), byName, null)) {
      new Api(server.vertx(), server.port(), ADMIN_KEY).get("/projects").expect(200);
    }
    assertTrue(sessionIsEncrypted(byName));

    DatabaseTarget byAddress = url("127.0.0.1", "?sslmode=verify-full" + root);
    failsAtStart(byAddress);
    assertThrows(SQLException.class, () -> changesetsApplied(byAddress));
    assertThrows(ExecutionException.class, () -> sessionIsEncrypted(byAddress));
    // The same address with only the chain checked is fine: the name was the reason.
    assertTrue(sessionIsEncrypted(url("127.0.0.1", "?sslmode=verify-ca" + root)));
  }

  @Test
  void requireAgainstAServerWithoutTlsFailsAtStartInsteadOfFallingBackToPlainText() {
    DatabaseTarget shared = TestDatabase.server();
    DatabaseTarget target = DatabaseTarget.parse("postgresql://" + shared.user() + "@" + shared.host() + ":" + shared.port()
        + "/taskq_tls_require_plain?sslmode=require");
    failsAtStart(target);
    // Neither client downgrades: the pool is refused too.
    assertThrows(SQLException.class, () -> changesetsApplied(target.withDatabase("postgres")));
    assertThrows(ExecutionException.class, () -> sessionIsEncrypted(target.withDatabase("postgres")));
  }

  @Test
  void withoutSslmodeTlsIsUsedWhenTheServerOffersItAndPlainTextWhenItDoesNot() throws Exception {
    assertTrue(sessionIsEncrypted(url("localhost", "")), "libpq's default, prefer: TLS where offered");
    DatabaseTarget shared = TestDatabase.server();
    DatabaseTarget plainServer = DatabaseTarget.parse("postgresql://" + shared.user() + "@" + shared.host() + ":" + shared.port() + "/postgres");
    assertFalse(sessionIsEncrypted(plainServer), "prefer falls back to plain text on a server without TLS");
  }

  @Test
  void theCommandLineStopsOnABadSettingOrARefusedCertificateWithOneLineAndNoStackTrace() throws Exception {
    String base = "postgresql://postgres@localhost:" + tlsOnly.getPort() + "/" + DATABASE;

    Exit bogus = taskq(base + "?sslmode=bogus", "migrate", "--status");
    assertEquals(2, bogus.code());
    assertEquals(List.of("taskq: TASKQ_DB_URL: sslmode must be one of disable, prefer, require, verify-ca, verify-full, got 'bogus'"),
        bogus.lines());

    Exit unreadable = taskq(base + "?sslmode=verify-ca&sslrootcert=" + directory.resolve("absent.pem"), "serve");
    assertEquals(2, unreadable.code());
    assertEquals(List.of("taskq: TASKQ_DB_URL: sslrootcert " + directory.resolve("absent.pem") + " is not a readable file"),
        unreadable.lines());

    Exit untrusted = taskq(base + "?sslmode=verify-ca&sslrootcert=" + certificates.otherCaCertificate, "migrate");
    assertEquals(1, untrusted.code());
    assertEquals(1, untrusted.lines().size(), untrusted.lines().toString());
    assertTrue(untrusted.lines().get(0).startsWith("taskq: migrate failed: SSL error"), untrusted.lines().get(0));
  }

  private record Exit(int code, List<String> lines) {
  }

  /** {@code taskq <arguments>} as its own process, from this JVM's classpath. */
  private static Exit taskq(String databaseUrl, String... arguments) throws Exception {
    String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.isBlank()).map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", classpath, "io.taskq.cli.Main"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("TASKQ_"));
    builder.environment().put("TASKQ_DB_URL", databaseUrl);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "taskq stops by itself");
    return new Exit(process.exitValue(), output.lines().toList());
  }

  private static DatabaseTarget url(String host, String parameters) {
    return DatabaseTarget.parse("postgresql://postgres@" + host + ":" + tlsOnly.getPort() + "/" + DATABASE + parameters);
  }

  private static TaskqConfig config() {
    return TaskqConfig.fromEnvironment(Map.of()).withHttpPort(0).withAdminKey(ADMIN_KEY);
  }

  private static void failsAtStart(DatabaseTarget target) {
    SQLException refused = assertThrows(SQLException.class, () -> TaskqServer.start(config(), target, null).close(),
        "taskq must not start on " + target.describe());
    assertTrue(refused.getMessage().contains("SSL") || refused.getMessage().contains("hostname"), refused.getMessage());
  }

  /** Over JDBC, as Liquibase and the CLI connect; creates the database first if needed. */
  private static int changesetsApplied(DatabaseTarget target) throws SQLException {
    DatabaseCreator.ensureExists(target);
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties());
        var rs = c.createStatement().executeQuery(
            "SELECT CASE WHEN to_regclass('databasechangelog') IS NULL THEN 0 ELSE (SELECT count(*) FROM databasechangelog) END")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Through a pool taskq builds from the target, as the server's own pool is built. */
  private static boolean sessionIsEncrypted(DatabaseTarget target) throws Exception {
    return one(vertx, target, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", Tuple.tuple()).getBoolean("ssl");
  }

  private static Row one(Vertx on, DatabaseTarget target, String sql, Tuple arguments)
      throws InterruptedException, ExecutionException, TimeoutException {
    Pool pool = Pools.create(on, target, 1);
    try {
      Future<RowSet<Row>> rows = pool.preparedQuery(sql).execute(arguments);
      return rows.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).iterator().next();
    } finally {
      pool.close();
    }
  }
}
