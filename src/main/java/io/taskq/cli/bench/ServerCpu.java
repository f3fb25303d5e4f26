package io.taskq.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the server process (utime + stime in {@code /proc/<pid>/stat}, Linux). Divided
 * by the tasks of a window it gives CPU per task, the figure that moves least between runs on
 * a shared machine (throughput moves 2-3x with the host's load; see benchmarks.md).
 */
final class ServerCpu {

  /**
   * Clock ticks per second of /proc's times: USER_HZ, 100 on every Linux architecture the JDK
   * runs on (it is part of the kernel's ABI, whatever the kernel's own HZ).
   */
  static final long TICKS_PER_SECOND = 100;

  private final Path stat;

  ServerCpu(long pid) {
    this.stat = Path.of("/proc", Long.toString(pid), "stat");
  }

  /** Nanoseconds of CPU the process used so far; -1 if it cannot be read (gone, or not Linux). */
  long nanos() {
    try {
      return ticks(Files.readString(stat)) * (1_000_000_000L / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * utime + stime (fields 14 and 15) of a /proc/<pid>/stat line. Counted from after the command
   * name's closing parenthesis, since the name itself may hold spaces.
   */
  static long ticks(String statLine) {
    String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split(" ");
    // fields[0] is field 3 (state), so field n is fields[n - 3]
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
