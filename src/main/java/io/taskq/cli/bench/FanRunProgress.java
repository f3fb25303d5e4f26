package io.taskq.cli.bench;

/**
 * What the bench has seen of one run in flight, in server times (epoch microseconds from the
 * answers), so that each release latency is computed once both of its ends are known. Claims
 * and completions of one run arrive on different connections and event loops, in any order: a
 * worker may be handed a released task before the worker that completed its last prerequisite
 * has read its own answer. Workers of both event loops call in, hence the lock; it is held for a
 * few comparisons, once per task.
 */
final class FanRunProgress {

  /** Where the latencies go; {@code t1} is when the client learned the second end (the window counts by it). */
  interface Releases {
    /** A fan-out task claimed, {@code micros} after start's completion. */
    void fanOut(long t1, long micros);

    /** The end task claimed, {@code micros} after the last fan-out task's completion. */
    void fanIn(long t1, long micros);

    /** The first of the run's fan-out tasks claimed, {@code micros} after start's completion. */
    void firstOfFanOut(long t1, long micros);
  }

  private static final long UNKNOWN = Long.MIN_VALUE;

  private long startCompletedAt = UNKNOWN;
  /** Claim times of fan-out tasks seen before start's completion was (rare: the two answers crossed). */
  private long[] claimedEarly = new long[4];
  private int claimedEarlyCount;
  private int fanOutClaimed;
  private long firstFanOutClaimedAt = Long.MAX_VALUE;
  private int fanOutCompleted;
  private long lastFanOutCompletedAt = Long.MIN_VALUE;
  private long endClaimedAt = UNKNOWN;

  synchronized void startCompleted(long t1, long completedAt, Releases releases) {
    startCompletedAt = completedAt;
    for (int i = 0; i < claimedEarlyCount; i++) {
      releases.fanOut(t1, claimedEarly[i] - completedAt);
    }
    claimedEarlyCount = 0;
    firstOfFanOutIfKnown(t1, releases);
  }

  synchronized void fanOutClaimed(long t1, long claimedAt, Releases releases) {
    fanOutClaimed++;
    firstFanOutClaimedAt = Math.min(firstFanOutClaimedAt, claimedAt);
    if (startCompletedAt == UNKNOWN) {
      if (claimedEarlyCount == claimedEarly.length) {
        claimedEarly = java.util.Arrays.copyOf(claimedEarly, claimedEarly.length * 2);
      }
      claimedEarly[claimedEarlyCount++] = claimedAt;
    } else {
      releases.fanOut(t1, claimedAt - startCompletedAt);
      firstOfFanOutIfKnown(t1, releases);
    }
  }

  synchronized void fanOutCompleted(long t1, long completedAt, Releases releases) {
    fanOutCompleted++;
    lastFanOutCompletedAt = Math.max(lastFanOutCompletedAt, completedAt);
    if (fanOutCompleted == FanWorkflow.FAN_OUT && endClaimedAt != UNKNOWN) {
      releases.fanIn(t1, endClaimedAt - lastFanOutCompletedAt);
    }
  }

  synchronized void endClaimed(long t1, long claimedAt, Releases releases) {
    endClaimedAt = claimedAt;
    if (fanOutCompleted == FanWorkflow.FAN_OUT) {
      releases.fanIn(t1, claimedAt - lastFanOutCompletedAt);
    }
  }

  /** Once every fan-out task is claimed, the earliest claim is known for good. */
  private void firstOfFanOutIfKnown(long t1, Releases releases) {
    if (fanOutClaimed == FanWorkflow.FAN_OUT && startCompletedAt != UNKNOWN) {
      releases.firstOfFanOut(t1, firstFanOutClaimedAt - startCompletedAt);
    }
  }
}
