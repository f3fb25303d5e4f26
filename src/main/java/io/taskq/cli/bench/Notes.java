package io.taskq.cli.bench;

import java.util.List;

/** Wording of run notes several scenarios share. */
final class Notes {

  private Notes() {
  }

  /** For scenarios that drain a prefilled queue: empty claims there mean the prefill was too small. */
  static List<String> emptyQueue(MeasurementWindow window) {
    if (window.emptyPolls() == 0) {
      return List.of();
    }
    return List.of(window.emptyPolls() + " empty claims: the prefilled queue ran dry, so tasks/s is a lower bound");
  }
}
