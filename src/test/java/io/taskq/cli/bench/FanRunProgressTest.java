package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Release latencies come out right whatever order a run's answers reach the bench in. */
class FanRunProgressTest {

  private final List<String> seen = new ArrayList<>();
  private final FanRunProgress.Releases releases = new FanRunProgress.Releases() {
    @Override
    public void fanOut(long t1, long micros) {
      seen.add("fan-out " + micros);
    }

    @Override
    public void fanIn(long t1, long micros) {
      seen.add("fan-in " + micros);
    }

    @Override
    public void firstOfFanOut(long t1, long micros) {
      seen.add("first " + micros);
    }
  };

  @Test
  void aFanOutClaimSeenBeforeStartsCompletionIsMeasuredOnceThatArrives() {
    FanRunProgress run = new FanRunProgress();
    run.fanOutClaimed(0, 1_050, releases);
    assertEquals(List.of(), seen);

    run.startCompleted(0, 1_000, releases);
    run.fanOutClaimed(0, 1_200, releases);

    assertEquals(List.of("fan-out 50", "fan-out 200"), seen);
  }

  @Test
  void theFanInIsMeasuredFromTheLatestFanOutCompletionEvenWhenTheEndsClaimArrivesFirst() {
    FanRunProgress run = new FanRunProgress();
    for (int i = 0; i < FanWorkflow.FAN_OUT - 1; i++) {
      run.fanOutCompleted(0, 2_000 + (i == 7 ? 900 : i), releases);
    }
    run.endClaimed(0, 3_000, releases);
    assertEquals(List.of(), seen, "one fan-out task has not been seen completing yet");

    run.fanOutCompleted(0, 2_500, releases);

    assertEquals(List.of("fan-in 100"), seen, "from the latest completion (2,900), not the last one read");
  }

  @Test
  void theFirstOfAFanOutIsKnownOnceAllOfItWasClaimed() {
    FanRunProgress run = new FanRunProgress();
    run.startCompleted(0, 1_000, releases);
    for (int i = 0; i < FanWorkflow.FAN_OUT; i++) {
      run.fanOutClaimed(0, 1_100 - (i == 42 ? 90 : 0), releases);
    }

    assertEquals("first 10", seen.get(seen.size() - 1));
    assertEquals(FanWorkflow.FAN_OUT + 1, seen.size());
  }

  @Test
  void externalIdsNameTheRunAndTheStep() {
    assertEquals(new FanWorkflow.Place(17, FanWorkflow.Step.START), FanWorkflow.place("run-17:start:0"));
    assertEquals(new FanWorkflow.Place(17, FanWorkflow.Step.FAN_OUT), FanWorkflow.place("run-17:s42:0"));
    assertEquals(new FanWorkflow.Place(0, FanWorkflow.Step.END), FanWorkflow.place("run-0:end:0"));
    assertNull(FanWorkflow.place("e2e-5"));
    assertNull(FanWorkflow.place("run-x:end:0"));
    assertNull(FanWorkflow.place(null));
  }

  @Test
  void procStatTimesAreReadAfterACommandNameWithSpacesAndParentheses() {
    String line = "4242 (java (taskq) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 40 0 1000 1 1";
    assertEquals(287, ServerCpu.ticks(line));
  }
}
