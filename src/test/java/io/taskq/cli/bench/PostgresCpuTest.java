package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.db.DatabaseTarget;
import io.taskq.support.Poll;
import io.taskq.support.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** PostgreSQL's CPU, read from /proc, counts the work of a backend whose connection has closed (pgbench's, at its end). */
class PostgresCpuTest {

  @Test
  void theCpuOfAClosedConnectionsBackendStillCounts() throws Exception {
    DatabaseTarget db = TestDatabase.fresh("pgcpu");
    PostgresCpu cpu = PostgresCpu.locate(Optional.of(url(db))).orElseThrow(() -> new AssertionError("the test's PostgreSQL is local"));
    long before = cpu.nanos();

    long backend;
    try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT pg_backend_pid() FROM (SELECT count(*) FROM generate_series(1, 20000000)) c")) {
      rs.next();
      backend = rs.getLong(1);
    }
    // Until the postmaster reaps it, the exiting backend's own /proc entry still shows its CPU.
    Poll.until(() -> Files.exists(Path.of("/proc", Long.toString(backend))), exists -> !exists, Duration.ofSeconds(10));
    long after = cpu.nanos();

    // Counting 20M rows takes a backend over a second here; half a second is far above what the
    // idle background processes spend meanwhile.
    assertTrue(after - before >= 500_000_000L, "PostgreSQL's CPU grew by " + (after - before) + " ns");
  }

  @Test
  void aDatabaseOnAnotherMachineHasNoCpuToRead() {
    assertTrue(PostgresCpu.locate(Optional.of("postgresql://u:p@db.example.invalid:5432/taskq")).isEmpty());
    assertTrue(PostgresCpu.locate(Optional.empty()).isEmpty());
  }

  private static String url(DatabaseTarget db) {
    String password = db.password() == null ? "" : ":" + URLEncoder.encode(db.password(), StandardCharsets.UTF_8);
    return "postgresql://" + URLEncoder.encode(db.user(), StandardCharsets.UTF_8) + password + "@" + db.host() + ":" + db.port()
        + "/" + db.database();
  }
}
