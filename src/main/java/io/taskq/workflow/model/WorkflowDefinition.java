package io.taskq.workflow.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a (name, version) of a workflow stands for: its steps and its schedule (null for none).
 * Stored as one JSON document with every default filled in, so that two registrations mean the
 * same thing exactly when their documents are equal.
 */
public record WorkflowDefinition(List<WorkflowStep> steps, WorkflowSchedule schedule) {

  public WorkflowDefinition {
    steps = List.copyOf(steps);
  }

  public JsonObject toJson() {
    JsonArray stepsJson = new JsonArray();
    steps.forEach(step -> stepsJson.add(step.toJson()));
    return new JsonObject().put("steps", stepsJson).put("schedule", schedule == null ? null : schedule.toJson());
  }

  public static WorkflowDefinition fromJson(JsonObject json) {
    List<WorkflowStep> steps = new ArrayList<>();
    for (Object step : json.getJsonArray("steps")) {
      steps.add(WorkflowStep.fromJson((JsonObject) step));
    }
    JsonObject schedule = json.getJsonObject("schedule");
    return new WorkflowDefinition(steps, schedule == null ? null : WorkflowSchedule.fromJson(schedule));
  }
}
