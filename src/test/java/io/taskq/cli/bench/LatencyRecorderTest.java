package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  private static final long MS = 1_000_000;

  @Test
  void percentilesAreNearestRankOfTheRecordedSamples() {
    LatencyRecorder recorder = new LatencyRecorder(1000);
    List<Long> shuffled = new ArrayList<>();
    for (long i = 1; i <= 100; i++) {
      shuffled.add(i * MS);
    }
    Collections.shuffle(shuffled);
    shuffled.forEach(recorder::record);

    LatencySummary summary = recorder.summarize();
    assertEquals(100, summary.count());
    assertEquals(50.0, summary.p50Ms());
    assertEquals(95.0, summary.p95Ms());
    assertEquals(99.0, summary.p99Ms());
    assertEquals(100.0, summary.maxMs());
  }

  @Test
  void aSmallSampleReportsObservedValuesNotInterpolations() {
    LatencyRecorder recorder = new LatencyRecorder(10);
    recorder.record(3 * MS);
    recorder.record(1 * MS);
    recorder.record(2 * MS);
    LatencySummary summary = recorder.summarize();
    assertEquals(2.0, summary.p50Ms());
    assertEquals(3.0, summary.p95Ms());
    assertEquals(3.0, summary.p99Ms());
    assertEquals(3.0, summary.maxMs());
  }

  @Test
  void oneSampleIsEveryPercentile() {
    LatencySummary summary = LatencySummary.ofSorted(new long[] {7 * MS}, 1);
    assertEquals(7.0, summary.p50Ms());
    assertEquals(7.0, summary.p99Ms());
    assertEquals(7.0, summary.maxMs());
  }

  @Test
  void nothingRecordedIsAllZero() {
    assertEquals(LatencySummary.EMPTY, new LatencyRecorder(10).summarize());
  }

  @Test
  void aFullRecorderKeepsItsFirstSamplesAndSaysItIsFull() {
    LatencyRecorder recorder = new LatencyRecorder(3);
    recorder.record(1 * MS);
    recorder.record(2 * MS);
    assertFalse(recorder.full());
    recorder.record(3 * MS);
    assertTrue(recorder.full());
    recorder.record(4 * MS);
    recorder.record(5 * MS);
    assertEquals(3, recorder.count());
    assertEquals(3.0, recorder.summarize().maxMs());
  }

  @Test
  void resetStartsAFreshRun() {
    LatencyRecorder recorder = new LatencyRecorder(3);
    recorder.record(50 * MS);
    recorder.reset();
    recorder.record(1 * MS);
    assertEquals(1, recorder.count());
    assertEquals(1.0, recorder.summarize().maxMs());
  }

  @Test
  void percentileRanksRoundUp() {
    long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    assertEquals(50, LatencySummary.percentile(sorted, 10, 50));
    assertEquals(100, LatencySummary.percentile(sorted, 10, 95));
    assertEquals(60, LatencySummary.percentile(sorted, 10, 51));
    assertEquals(10, LatencySummary.percentile(sorted, 10, 0));
  }
}
