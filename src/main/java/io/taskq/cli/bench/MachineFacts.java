package io.taskq.cli.bench;

import io.taskq.db.DatabaseTarget;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/** What the numbers were measured on; they mean little without it. */
record MachineFacts(int cores, String cpuModel, long memoryMb, String os, String jvm, Optional<String> postgres) {

  /** Blocking (JDBC, /proc): call it from the main thread. */
  static MachineFacts collect(Optional<String> databaseUrl) {
    return new MachineFacts(
        Runtime.getRuntime().availableProcessors(),
        procValue("/proc/cpuinfo", "model name").orElse("unknown"),
        procValue("/proc/meminfo", "MemTotal").map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024).orElse(-1L),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        databaseUrl.flatMap(MachineFacts::postgres));
  }

  /** "18.6 (fsync on, synchronous_commit on)": the version, and whether commits wait for the disk. */
  private static Optional<String> postgres(String url) {
    DatabaseTarget target = DatabaseTarget.parse(url);
    try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties());
        Statement statement = connection.createStatement()) {
      return Optional.of(show(statement, "server_version") + " (fsync " + show(statement, "fsync")
          + ", synchronous_commit " + show(statement, "synchronous_commit") + ")");
    } catch (Exception e) {
      System.err.println("bench: cannot read the PostgreSQL version: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static String show(Statement statement, String setting) throws java.sql.SQLException {
    try (ResultSet rs = statement.executeQuery("SHOW " + setting)) {
      return rs.next() ? rs.getString(1) : "?";
    }
  }

  /** The value after "key:" on the first line that starts with it, in a /proc file; empty off Linux. */
  private static Optional<String> procValue(String file, String key) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(key)) {
          int colon = line.indexOf(':');
          return colon < 0 ? Optional.empty() : Optional.of(line.substring(colon + 1).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: unknown
    }
    return Optional.empty();
  }

  String describe() {
    return String.format(Locale.ROOT, "machine: %d cores (%s), %,d MB; %s; %s; PostgreSQL %s", cores, cpuModel, memoryMb,
        os, jvm, postgres.orElse("unknown"));
  }

  JsonObject toJson() {
    return new JsonObject().put("cores", cores).put("cpu_model", cpuModel).put("memory_mb", memoryMb).put("os", os)
        .put("jvm", jvm).put("postgresql", postgres.orElse(null));
  }
}
