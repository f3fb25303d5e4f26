package io.taskq.store.pg;

import io.taskq.auth.ApiKey;
import io.taskq.auth.Permission;
import io.taskq.queue.Project;
import io.taskq.queue.Task;
import io.taskq.queue.TaskLog;
import io.taskq.queue.TaskStatus;
import io.taskq.queue.TaskType;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.Set;

/** Row mappers of every aggregate, by column name so that {@code SELECT *} and {@code RETURNING *} both fit. */
final class Rows {

  private Rows() {
  }

  static Task task(Row row) {
    return new Task(
        row.getLong("id"),
        row.getLong("project_id"),
        row.getString("type"),
        row.getString("type_version"),
        row.getString("title"),
        row.getString("description"),
        json(row.getValue("params")),
        row.getInteger("priority"),
        TaskStatus.of(row.getString("status")),
        row.getString("external_id"),
        row.getString("milestone_id"),
        row.getString("dedupe_key"),
        instant(row, "run_at"),
        row.getInteger("attempts"),
        row.getInteger("max_attempts"),
        row.getString("worker_id"),
        row.getUUID("lease_id"),
        instant(row, "claimed_at"),
        instant(row, "lease_expires_at"),
        instant(row, "completed_at"),
        json(row.getValue("result")),
        row.getString("error_message"),
        instant(row, "created_at"),
        instant(row, "updated_at"),
        row.getInteger("unmet_prerequisites"),
        row.getLong("parent_id"),
        row.getBoolean("complete_when_children_done"),
        json(row.getValue("event_payloads")),
        (JsonObject) json(row.getValue("metadata")));
  }

  static TaskLog taskLog(Row row) {
    return new TaskLog(
        row.getLong("id"),
        row.getLong("task_id"),
        row.getString("event"),
        row.getString("worker_id"),
        row.getString("message"),
        json(row.getValue("metadata")),
        instant(row, "created_at"));
  }

  static io.taskq.queue.Attempt attempt(Row row) {
    return new io.taskq.queue.Attempt(
        row.getLong("attempt").intValue(),
        row.getString("worker_id"),
        row.getUUID("lease_id"),
        instant(row, "claimed_at"),
        instant(row, "finished_at"),
        row.getLong("duration_ms"),
        row.getString("outcome"),
        row.getString("error"));
  }

  static Project project(Row row) {
    return new Project(row.getLong("id"), row.getString("name"), instant(row, "created_at"), instant(row, "updated_at"));
  }

  static TaskType taskType(Row row) {
    return new TaskType(
        row.getLong("id"),
        row.getString("name"),
        row.getString("version"),
        (JsonObject) row.getValue("param_schema"),
        row.getInteger("max_attempts"),
        row.getInteger("lease_seconds"),
        row.getBoolean("active"),
        instant(row, "created_at"),
        instant(row, "updated_at"),
        row.getInteger("max_concurrency"));
  }

  static ApiKey apiKey(Row row) {
    Set<Permission> permissions = EnumSet.noneOf(Permission.class);
    for (String name : row.getArrayOfStrings("permissions")) {
      Permission.fromWire(name).ifPresent(permissions::add);
    }
    return new ApiKey(
        row.getUUID("id"),
        row.getString("name"),
        row.getString("key_prefix"),
        row.getLong("project_id"),
        Set.copyOf(permissions),
        instant(row, "created_at"),
        instant(row, "revoked_at"),
        row.getInteger("rate_limit_per_minute"),
        instant(row, "last_used_at"));
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  /** jsonb decodes to Vert.x JSON types; a JSON null comes back as a marker, which we fold into null. */
  static Object json(Object value) {
    return value == Tuple.JSON_NULL ? null : value;
  }
}
