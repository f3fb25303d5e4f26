package io.taskq.cli.bench;

import io.taskq.db.DatabaseTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * CPU time of a local PostgreSQL: utime + stime of its postmaster and every live process it
 * forked (the backends do the statements' work), as {@code src/test/scripts/cpu-per-task.sh}
 * sums them, plus the postmaster's cutime + cstime: the CPU of the children it has reaped, so
 * that a backend whose connection closed inside a window (pgbench's, at the end of its run)
 * still counts. Found from a backend of our own: its parent is the postmaster. Only for a database on
 * this machine; elsewhere the bench says n/a rather than read some unrelated local process.
 */
final class PostgresCpu {

  private final long postmaster;

  private PostgresCpu(long postmaster) {
    this.postmaster = postmaster;
  }

  /** Blocking (one JDBC connection): the main thread's. Empty when the database is not on this machine or /proc cannot tell. */
  static Optional<PostgresCpu> locate(Optional<String> databaseUrl) {
    if (databaseUrl.isEmpty()) {
      return Optional.empty();
    }
    DatabaseTarget target = DatabaseTarget.parse(databaseUrl.get());
    if (!isLocal(target.host())) {
      return Optional.empty();
    }
    try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties());
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      long backend = rs.getLong(1);
      String backendStat = Files.readString(Path.of("/proc", Long.toString(backend), "stat"));
      long parent = field(backendStat, 4);
      if (!Files.readString(Path.of("/proc", Long.toString(parent), "comm")).trim().startsWith("postgres")) {
        return Optional.empty();
      }
      return Optional.of(new PostgresCpu(parent));
    } catch (SQLException | IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean isLocal(String host) {
    try {
      InetAddress address = InetAddress.getByName(host);
      return address.isLoopbackAddress() || address.isAnyLocalAddress();
    } catch (IOException e) {
      return false;
    }
  }

  /** Nanoseconds of CPU the postmaster and its live children used so far; -1 if unreadable. */
  long nanos() {
    long ticks = 0;
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), p -> isPid(p.getFileName().toString()))) {
      for (Path process : processes) {
        String stat;
        try {
          stat = Files.readString(process.resolve("stat"));
        } catch (IOException e) {
          continue; // exited meanwhile
        }
        long pid = Long.parseLong(process.getFileName().toString());
        if (pid == postmaster) {
          ticks += ServerCpu.ticks(stat) + field(stat, 16) + field(stat, 17);
        } else if (field(stat, 4) == postmaster) {
          ticks += ServerCpu.ticks(stat);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return ticks * (1_000_000_000L / ServerCpu.TICKS_PER_SECOND);
  }

  private static boolean isPid(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return false;
      }
    }
    return !name.isEmpty();
  }

  /** Field n (1-based, as proc(5) numbers them) of a stat line; counted after the command name, which may hold spaces. */
  static long field(String statLine, int n) {
    String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(fields[n - 3]);
  }
}
