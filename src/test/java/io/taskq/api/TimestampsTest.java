package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Test
  void writesEveryInstantExactlyAsIsoInstantDoes() {
    long[] seconds = {0, -1, 1, 86_399, 86_400, -86_400, 951_782_400 /* 2000-02-29 */, 4_107_542_399L,
        -62_135_596_800L /* 0001-01-01 */, -62_135_596_801L, 253_402_300_799L /* 9999-12-31T23:59:59 */,
        253_402_300_800L /* 10000-01-01 */, -62_167_219_200L /* year 0 */, Instant.MAX.getEpochSecond(), Instant.MIN.getEpochSecond()};
    int[] nanos = {0, 1, 999, 1_000, 1_000_000, 100_000_000, 120_000_000, 123_456_000, 123_456_789, 999_999_999, 500};
    for (long s : seconds) {
      for (int n : nanos) {
        assertSame(Instant.ofEpochSecond(s, n));
      }
    }
    SplittableRandom random = new SplittableRandom(14);
    for (int i = 0; i < 200_000; i++) {
      long s = random.nextLong(-70_000_000_000L, 300_000_000_000L);
      int n = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      assertSame(Instant.ofEpochSecond(s, n));
    }
  }

  private static void assertSame(Instant instant) {
    assertEquals(DateTimeFormatter.ISO_INSTANT.format(instant), Timestamps.format(instant), () -> "for " + instant.getEpochSecond() + "s " + instant.getNano() + "ns");
  }
}
