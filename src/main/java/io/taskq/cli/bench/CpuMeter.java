package io.taskq.cli.bench;

import java.lang.management.ManagementFactory;

/** CPU time of the bench's own process, to show how much of the machine the generator took. */
final class CpuMeter {

  private CpuMeter() {
  }

  /** Nanoseconds of CPU this JVM used so far; -1 where the platform does not tell. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** CPU over wall time, as a percentage of one core (200 = two cores busy); -1 if unknown. */
  static double percentOfOneCore(long cpuFrom, long cpuTo, long wallNanos) {
    if (cpuFrom < 0 || cpuTo < 0 || wallNanos <= 0) {
      return -1;
    }
    return 100.0 * (cpuTo - cpuFrom) / wallNanos;
  }
}
