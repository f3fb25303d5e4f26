package io.taskq.support;

import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU a connection's PostgreSQL backend has used, for the probes that measure a statement's
 * cost on one connection. Read from /proc, so only for a PostgreSQL on this machine (the embedded
 * one of the tests).
 */
public final class BackendCpu {

  private BackendCpu() {
  }

  /** utime + stime of the connection's backend, in clock ticks (1/100 s). */
  public static long ticks(SqlConnection c) {
    int pid = c.query("SELECT pg_backend_pid()").execute().await().iterator().next().getInteger(0);
    try {
      String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split(" ");
      return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    } catch (IOException e) {
      throw new IllegalStateException("the backend's CPU cannot be read (is PostgreSQL on this machine?)", e);
    }
  }
}
