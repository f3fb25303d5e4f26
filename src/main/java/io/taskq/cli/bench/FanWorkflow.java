package io.taskq.cli.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The dag scenario's workflow: {@code start}, then {@code s0}..{@code s99} each depending on
 * start, then {@code end} depending on all of them (1 -> 100 -> 1, 102 tasks a run). Its runs
 * are numbered, so that a claimed task's external id ({@code <run_id>:<step>:0}) names its run
 * by a number and its step by a kind, read without a map lookup or a substring.
 */
final class FanWorkflow {

  static final String NAME = "fan";
  static final int FAN_OUT = 100;
  static final int TASKS_PER_RUN = FAN_OUT + 2;
  static final String RUN_ID_PREFIX = "run-";

  /** Where a step sits in the fan. */
  enum Step { START, FAN_OUT, END }

  /** A claimed or completed task's place: its run's number and its step. */
  record Place(long run, Step step) {
  }

  private FanWorkflow() {
  }

  /** The registration body: one task type for every step. */
  static JsonObject definition(String type) {
    JsonArray steps = new JsonArray().add(new JsonObject().put("name", "start").put("type", type));
    JsonArray all = new JsonArray();
    for (int i = 0; i < FAN_OUT; i++) {
      steps.add(new JsonObject().put("name", "s" + i).put("type", type).put("depends_on", new JsonArray().add("start")));
      all.add("s" + i);
    }
    steps.add(new JsonObject().put("name", "end").put("type", type).put("depends_on", all));
    return new JsonObject().put("name", NAME).put("version", 1).put("steps", steps);
  }

  static String runId(long run) {
    return RUN_ID_PREFIX + run;
  }

  /** The place named by an external id {@code run-<n>:<step>:0}; null for anything else (not a task of this bench). */
  static Place place(String externalId) {
    if (externalId == null || !externalId.startsWith(RUN_ID_PREFIX)) {
      return null;
    }
    int colon = externalId.indexOf(':', RUN_ID_PREFIX.length());
    if (colon < 0 || colon + 1 >= externalId.length()) {
      return null;
    }
    long run;
    try {
      run = Long.parseLong(externalId, RUN_ID_PREFIX.length(), colon, 10);
    } catch (NumberFormatException e) {
      return null;
    }
    Step step = switch (externalId.charAt(colon + 1)) {
      case 's' -> externalId.startsWith("start:", colon + 1) ? Step.START : Step.FAN_OUT;
      case 'e' -> Step.END;
      default -> null;
    };
    return step == null ? null : new Place(run, step);
  }
}
