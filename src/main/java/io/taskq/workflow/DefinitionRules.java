package io.taskq.workflow;

import io.taskq.error.FieldError;
import io.taskq.workflow.model.WorkflowDefinition;
import io.taskq.workflow.model.WorkflowSchedule;
import io.taskq.workflow.model.WorkflowStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of a workflow definition that need no database: step names are unique, each
 * depends_on names another step once, the steps form no cycle, and the schedule parses. Fields
 * are already of the right types and spellings (the routes read them).
 */
final class DefinitionRules {

  /** Every fault, and the cycle among the steps (step names, each depending on the next) if there is one. */
  record Faults(List<FieldError> errors, List<String> cycle) {
  }

  private DefinitionRules() {
  }

  static Faults check(WorkflowDefinition definition) {
    List<FieldError> errors = new ArrayList<>();
    List<WorkflowStep> steps = definition.steps();
    Map<String, Integer> indexOf = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      Integer first = indexOf.putIfAbsent(steps.get(i).name(), i);
      if (first != null) {
        errors.add(FieldError.atItem(i, "/steps/" + i + "/name", "step name " + steps.get(i).name() + " is already used by step " + first));
      }
    }
    boolean linksHold = errors.isEmpty();
    for (int i = 0; i < steps.size(); i++) {
      WorkflowStep step = steps.get(i);
      Set<String> seen = new HashSet<>();
      for (int j = 0; j < step.dependsOn().size(); j++) {
        String prerequisite = step.dependsOn().get(j);
        String pointer = "/steps/" + i + "/depends_on/" + j;
        String fault = prerequisite.equals(step.name()) ? "a step cannot depend on itself"
            : !seen.add(prerequisite) ? "depends_on names step " + prerequisite + " twice"
            : !indexOf.containsKey(prerequisite) ? "depends_on must name another step of this workflow; none is named so"
            : null;
        if (fault != null) {
          errors.add(FieldError.atItem(i, pointer, fault));
          linksHold = false;
        }
      }
    }
    List<String> cycle = linksHold ? cycle(steps, indexOf).orElse(null) : null;
    if (cycle != null) {
      errors.add(FieldError.at("/steps", "the steps depend on each other in a cycle: " + String.join(" -> ", cycle)));
    }
    if (definition.schedule() != null) {
      schedule(definition.schedule(), errors);
    }
    return new Faults(errors, cycle);
  }

  /** Only once every link names another step exactly once; a `suggests` link counts too, as the graph must be drawable. */
  private static Optional<List<String>> cycle(List<WorkflowStep> steps, Map<String, Integer> indexOf) {
    return CycleFinder.firstCycle(steps.size(), i -> steps.get(i).dependsOn().stream().mapToInt(indexOf::get).toArray())
        .map(indices -> indices.stream().map(i -> steps.get(i).name()).toList());
  }

  private static void schedule(WorkflowSchedule schedule, List<FieldError> errors) {
    String zone = schedule.timezone();
    if (!CronSchedule.isZone(zone)) {
      errors.add(FieldError.at("/schedule/timezone", "timezone must be an IANA time zone id such as Europe/Prague or UTC"));
      zone = WorkflowSchedule.DEFAULT_TIMEZONE; // still check the expression, so both faults are listed at once
    }
    try {
      CronSchedule.parse(schedule.cron(), zone);
    } catch (IllegalArgumentException e) {
      errors.add(FieldError.at("/schedule/cron", e.getMessage()));
    }
  }
}
