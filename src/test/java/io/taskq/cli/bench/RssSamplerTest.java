package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RssSamplerTest {

  @Test
  void readsVmRssFromProcStatus() {
    String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmRSS:\t  123456 kB\nThreads:\t40\n";
    assertEquals(123456, RssSampler.vmRssKb(status));
  }

  @Test
  void aStatusWithoutVmRssIsUnknown() {
    assertEquals(-1, RssSampler.vmRssKb("Name:\tzombie\n"));
  }
}
