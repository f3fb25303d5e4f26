package io.taskq.cli.bench;

import java.util.List;
import java.util.Optional;

/** The measured runs a scenario name on the command line stands for. */
enum ScenarioKind {
  CREATE("create", 1),
  BULK("bulk", 1),
  CLAIM_COMPLETE("claim-complete", 1),
  CLAIM_COMPLETE_BATCH_10("claim-complete-batch-10", 10),
  CLAIM_COMPLETE_BATCH_100("claim-complete-batch-100", 100),
  E2E("e2e", 10),
  /** Runs of a 1 -> 100 -> 1 workflow; workers claim one task at a time (see {@link DagScenario}). */
  DAG("dag", 1),
  /** Target 5: claim -> complete for a long run, the claim's cost per time window (see {@link ChurnScenario}); not in the default set. */
  CHURN("churn", 1);

  private final String wireName;
  private final int claimLimit;

  ScenarioKind(String wireName, int claimLimit) {
    this.wireName = wireName;
    this.claimLimit = claimLimit;
  }

  String wireName() {
    return wireName;
  }

  /** Tasks asked for per claim (claiming scenarios only). */
  int claimLimit() {
    return claimLimit;
  }

  /** The scenarios a bench without --scenarios runs: all but churn, which is meant to run for minutes on its own. */
  static List<ScenarioKind> defaults() {
    return java.util.Arrays.stream(values()).filter(kind -> kind != CHURN).toList();
  }

  /** The scenarios the naive SQL baseline has a counterpart for. */
  boolean hasBaseline() {
    return this == CLAIM_COMPLETE || this == CLAIM_COMPLETE_BATCH_10 || this == CLAIM_COMPLETE_BATCH_100;
  }

  /** Whether the run drains a queue filled beforehand. */
  boolean drainsPrefilledQueue() {
    return hasBaseline() || this == CHURN;
  }

  /** "claim-complete-batch" is both batch sizes; every other name is one run. */
  static Optional<List<ScenarioKind>> fromOption(String name) {
    if (name.equals("claim-complete-batch")) {
      return Optional.of(List.of(CLAIM_COMPLETE_BATCH_10, CLAIM_COMPLETE_BATCH_100));
    }
    for (ScenarioKind kind : values()) {
      if (kind.wireName.equals(name)) {
        return Optional.of(List.of(kind));
      }
    }
    return Optional.empty();
  }
}
