package io.taskq.cli.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * How many tasks to queue before a draining run. A queue that runs dry spoils the run (its
 * workers measure empty claims), while a queue too full costs only prefill time, so the plan
 * errs high: three times the best rate this scenario reached at another worker count (going
 * from 1 to 8 workers has tripled a rate), but no less than a quarter of the first guess, over
 * the warm-up and the window, plus a quarter.
 */
final class PrefillPlanner {

  static final long MIN_TASKS = 2_000;
  /** At ~50k tasks/s of bulk inserts, a minute of prefill at most. */
  static final long MAX_TASKS = 3_000_000;
  private static final double MARGIN = 1.25;

  private final Map<String, Double> bestRates = new HashMap<>();

  /**
   * First guesses in tasks/s, at or above the raw-SQL rates of a 2-core machine (STACK.md: about
   * 3.5k single claims and completes, 13k in claims of 10, 39k in claims of 100 per second): the
   * first run of a scenario has no rate to go by, and taskq's claim-complete passed 3,000 (a
   * guess of 3,000 ran a 3,800 tasks/s run dry).
   */
  static double firstGuess(ScenarioKind kind) {
    return switch (kind) {
      case CLAIM_COMPLETE_BATCH_10 -> 15_000;
      case CLAIM_COMPLETE_BATCH_100 -> 40_000;
      default -> 6_000;
    };
  }

  long tasksFor(String key, ScenarioKind kind, int seconds) {
    Double best = bestRates.get(key);
    double rate = best == null ? firstGuess(kind) : Math.max(3 * best, firstGuess(kind) / 4);
    long tasks = (long) Math.ceil(rate * seconds * MARGIN / 1000.0) * 1000;
    return Math.max(MIN_TASKS, Math.min(MAX_TASKS, tasks));
  }

  /**
   * For a run paced to at most {@code pacedRate} tasks/s: what that rate can take, with the
   * margin (1,000 tasks/s for 603 s: 754,000 tasks). The pace is a bound the run cannot pass,
   * unlike the guesses above, and may lie above them (a rate asked for a faster server).
   */
  static long tasksForPacedRate(int pacedRate, int seconds) {
    long paced = (long) Math.ceil((double) pacedRate * seconds * MARGIN / 1000.0) * 1000;
    return Math.max(MIN_TASKS, Math.min(MAX_TASKS, paced));
  }

  void observe(String key, double tasksPerSecond) {
    bestRates.merge(key, tasksPerSecond, Math::max);
  }
}
