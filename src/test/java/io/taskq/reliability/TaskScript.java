package io.taskq.reliability;

import java.util.SplittableRandom;

/**
 * What a worker does with one task on each attempt, drawn from a seed and the task's number so
 * that the expected end of every task is known without recording anything.
 */
record TaskScript(int n, Kind kind, int k) {

  enum Kind {
    /** completes on its first attempt */
    OK,
    /** fails retryably before attempt k, completes from attempt k on */
    RETRY_THEN_OK,
    /** fails retryably before attempt k, fails for good on attempt k */
    FAIL_FOR_GOOD,
    /** fails retryably on every attempt until its attempts are used up */
    EXHAUST,
    /** lets its first lease lapse (takes it and never answers), completes from attempt 2 on */
    LAPSE_ONCE
  }

  enum Action { COMPLETE, FAIL_RETRYABLE, FAIL_FOR_GOOD, ABANDON }

  static TaskScript of(long seed, int n) {
    SplittableRandom random = new SplittableRandom(seed ^ (n * 0x9E3779B97F4A7C15L));
    int roll = random.nextInt(100);
    if (roll < 60) {
      return new TaskScript(n, Kind.OK, 1);
    } else if (roll < 75) {
      return new TaskScript(n, Kind.RETRY_THEN_OK, 2 + random.nextInt(2));
    } else if (roll < 83) {
      return new TaskScript(n, Kind.FAIL_FOR_GOOD, 1 + random.nextInt(2));
    } else if (roll < 88) {
      return new TaskScript(n, Kind.EXHAUST, 0);
    }
    return new TaskScript(n, Kind.LAPSE_ONCE, 2);
  }

  /**
   * Attempts the task may use: enough for its script plus attempts lost to the killed instance
   * (a claim or an answer that died with it lets the lease lapse, which uses an attempt).
   */
  int maxAttempts() {
    return switch (kind) {
      case OK, RETRY_THEN_OK -> 6;
      case LAPSE_ONCE -> 8;
      case FAIL_FOR_GOOD, EXHAUST -> 3;
    };
  }

  Action at(int attempt) {
    return switch (kind) {
      case OK -> Action.COMPLETE;
      case RETRY_THEN_OK -> attempt < k ? Action.FAIL_RETRYABLE : Action.COMPLETE;
      case FAIL_FOR_GOOD -> attempt < k ? Action.FAIL_RETRYABLE : Action.FAIL_FOR_GOOD;
      case EXHAUST -> Action.FAIL_RETRYABLE;
      case LAPSE_ONCE -> attempt == 1 ? Action.ABANDON : Action.COMPLETE;
    };
  }

  boolean completes() {
    return kind == Kind.OK || kind == Kind.RETRY_THEN_OK || kind == Kind.LAPSE_ONCE;
  }

  /** The first attempt that may complete it. */
  int firstCompletingAttempt() {
    return kind == Kind.OK ? 1 : k;
  }
}
