package io.taskq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BulkBytesAtOnceTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void aSixteenthOfTheHeapUpTo64MiB() {
    assertEquals(12 * MIB, TaskqServer.bulkBytesAtOnce(192 * MIB), "the recommended -Xmx192m");
    assertEquals(64 * MIB, TaskqServer.bulkBytesAtOnce(1024 * MIB));
    assertEquals(64 * MIB, TaskqServer.bulkBytesAtOnce(6L * 1024 * MIB), "never more than 64 MiB");
  }
}
