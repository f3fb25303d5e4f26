package io.taskq.workflow.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a workflow: a task of {@code type} (that version, or the newest when
 * {@code typeVersion} is null) whose params are a template (see workflow.ParamTemplate), held
 * by the steps it depends on through links of {@code linkType}.
 */
public record WorkflowStep(String name, String type, String typeVersion, JsonObject params, List<String> dependsOn, String linkType) {

  public static final String REQUIRES = "requires";
  /** The link types a step's depends_on may take, in the wire spelling of task dependencies. */
  public static final List<String> LINK_TYPES = List.of(REQUIRES, "blocks", "suggests");

  public WorkflowStep {
    params = params == null ? new JsonObject() : params;
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    linkType = linkType == null ? REQUIRES : linkType;
  }

  /** As stored and shown: every field present, defaults filled. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("type", type)
        .put("type_version", typeVersion)
        .put("params", params)
        .put("depends_on", new JsonArray(new ArrayList<>(dependsOn)))
        .put("link_type", linkType);
  }

  static WorkflowStep fromJson(JsonObject json) {
    JsonArray dependsOn = json.getJsonArray("depends_on");
    List<String> names = new ArrayList<>();
    if (dependsOn != null) {
      dependsOn.forEach(name -> names.add((String) name));
    }
    // Definitions stored before versions were text (changeset 029 converts them) held a number.
    Object version = json.getValue("type_version");
    return new WorkflowStep(json.getString("name"), json.getString("type"), version == null ? null : version.toString(),
        json.getJsonObject("params"), names, json.getString("link_type"));
  }
}
