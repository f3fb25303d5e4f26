package io.taskq.workflow.model;

import io.vertx.core.json.JsonObject;

/** When a workflow runs by itself: a UNIX cron expression in an IANA time zone, with the params of each run. */
public record WorkflowSchedule(String cron, String timezone, JsonObject params) {

  public static final String DEFAULT_TIMEZONE = "UTC";

  public WorkflowSchedule {
    timezone = timezone == null ? DEFAULT_TIMEZONE : timezone;
    params = params == null ? new JsonObject() : params;
  }

  /** As stored: every field present, defaults filled. */
  public JsonObject toJson() {
    return new JsonObject().put("cron", cron).put("timezone", timezone).put("params", params);
  }

  static WorkflowSchedule fromJson(JsonObject json) {
    return new WorkflowSchedule(json.getString("cron"), json.getString("timezone"), json.getJsonObject("params"));
  }
}
