package io.taskq.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTargetTest {

  @Test
  void readsEveryPartOfAPostgresqlUrl() {
    DatabaseTarget t = DatabaseTarget.parse("postgresql://app:p%40ss@db.local:6543/queue");
    assertEquals(new DatabaseTarget("db.local", 6543, "queue", "app", "p@ss", DatabaseTls.DEFAULT), t);
    assertEquals("jdbc:postgresql://db.local:6543/queue", t.jdbcUrl());
    assertEquals("postgresql://app@db.local:6543/queue", t.describe());
  }

  @Test
  void fillsDefaults() {
    DatabaseTarget t = DatabaseTarget.parse("postgres://localhost");
    assertEquals(5432, t.port());
    assertEquals("taskq", t.database());
    assertEquals("postgres", t.user());
    assertNull(t.password());
  }

  @Test
  void rejectsOtherSchemes() {
    assertThrows(IllegalArgumentException.class, () -> DatabaseTarget.parse("mysql://localhost/x"));
  }

  @Test
  void readsSslmodeAndSslrootcertAndGivesThemToBothClients(@TempDir Path dir) throws Exception {
    Path ca = TestCertificates.writeTo(dir).caCertificate;
    DatabaseTarget t = DatabaseTarget.parse("postgresql://app@db.local/queue?sslmode=verify-full&sslrootcert=" + ca);
    assertEquals(new DatabaseTls(DatabaseTls.Mode.VERIFY_FULL, ca), t.tls());
    Properties jdbc = t.jdbcProperties();
    assertEquals("verify-full", jdbc.getProperty("sslmode"));
    assertEquals(ca.toString(), jdbc.getProperty("sslrootcert"));
    assertEquals(io.vertx.pgclient.SslMode.VERIFY_FULL, t.connectOptions().getSslMode());
    assertEquals("HTTPS", t.connectOptions().getSslOptions().getHostnameVerificationAlgorithm());
    assertEquals(t, DatabaseTarget.parse(t.describe()), "what the logs show reaches the same database the same way");
    assertEquals(t.withDatabase("postgres").tls(), t.tls(), "the admin connection (creating the database) uses the same TLS");
  }

  @Test
  void requireEncryptsWithoutCheckingTheCertificate() {
    DatabaseTarget t = DatabaseTarget.parse("postgresql://localhost/q?sslmode=require");
    assertEquals("require", t.jdbcProperties().getProperty("sslmode"));
    assertEquals(io.vertx.pgclient.SslMode.REQUIRE, t.connectOptions().getSslMode());
    assertTrue(t.connectOptions().getSslOptions().isTrustAll());
  }

  @Test
  void requireWithARootCertificateChecksTheChainAsLibpqDoes(@TempDir Path dir) throws Exception {
    Path ca = TestCertificates.writeTo(dir).caCertificate;
    DatabaseTarget t = DatabaseTarget.parse("postgresql://localhost/q?sslmode=require&sslrootcert=" + ca);
    assertEquals(DatabaseTls.Mode.VERIFY_CA, t.tls().mode());
    assertEquals("verify-ca", t.jdbcProperties().getProperty("sslmode"));
  }

  @Test
  void aRelativeRootCertificateIsResolvedOnceAgainstTheWorkingDirectory(@TempDir Path dir) throws Exception {
    Path ca = TestCertificates.writeTo(dir).caCertificate;
    Path relative = Path.of("").toAbsolutePath().relativize(ca);
    DatabaseTarget t = DatabaseTarget.parse("postgresql://localhost/q?sslmode=verify-ca&sslrootcert=" + relative);
    assertEquals(ca, t.tls().rootCertificate());
    assertEquals(ca.toString(), t.jdbcProperties().getProperty("sslrootcert"));
  }

  @Test
  void withoutSslmodeTheDefaultIsLibpqsPreferAndTheEmbeddedDatabaseUsesNoTls() {
    assertEquals(DatabaseTls.DEFAULT, DatabaseTarget.parse("postgresql://localhost/q").tls());
    assertEquals("prefer", DatabaseTarget.parse("postgresql://localhost/q").jdbcProperties().getProperty("sslmode"));
    DatabaseTarget embedded = new DatabaseTarget("localhost", 5432, "q", "postgres", null);
    assertEquals("disable", embedded.jdbcProperties().getProperty("sslmode"));
    assertEquals(io.vertx.pgclient.SslMode.DISABLE, embedded.connectOptions().getSslMode());
    assertEquals("postgresql://postgres@localhost:5432/q?sslmode=disable", embedded.describe());
  }

  @Test
  void refusesBadTlsSettingsWithAMessageNamingTheMistake(@TempDir Path dir) throws Exception {
    Path notACertificate = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    Path ca = TestCertificates.writeTo(dir).caCertificate;
    assertRefused("postgresql://localhost/q?sslmode=bogus", "sslmode must be one of disable, prefer, require, verify-ca, verify-full, got 'bogus'");
    assertRefused("postgresql://localhost/q?sslmode=verify-ca", "sslmode=verify-ca needs sslrootcert=/path/to/ca.pem");
    assertRefused("postgresql://localhost/q?sslmode=verify-full&sslrootcert=" + dir.resolve("missing.pem"), "is not a readable file");
    assertRefused("postgresql://localhost/q?sslmode=verify-full&sslrootcert=" + dir, "is not a readable file");
    assertRefused("postgresql://localhost/q?sslmode=verify-full&sslrootcert=" + notACertificate, "is not a PEM certificate file");
    assertRefused("postgresql://localhost/q?sslrootcert=" + ca, "sslrootcert is used only with sslmode=verify-ca, verify-full or require");
    assertRefused("postgresql://localhost/q?sslmode=disable&sslrootcert=" + ca, "sslrootcert is used only with");
    assertRefused("postgresql://localhost/q?ssl_mode=require", "unknown parameter 'ssl_mode'");
    assertRefused("postgresql://localhost/q?sslmode=require&sslmode=disable", "sslmode is given twice");
    assertRefused("postgresql://localhost/q?sslmode=", "sslmode needs a value");
  }

  private static void assertRefused(String url, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatabaseTarget.parse(url));
    assertTrue(e.getMessage().startsWith("TASKQ_DB_URL: ") && e.getMessage().contains(message), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }
}
