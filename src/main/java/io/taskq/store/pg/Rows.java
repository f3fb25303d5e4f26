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

/**
 * Row mappers of every aggregate, by column name so that {@code SELECT *} and {@code RETURNING *} both fit
 * (a task's columns, on the hot path, through positions found by name once per layout: see TaskColumns).
 */
final class Rows {

  private Rows() {
  }

  static Task task(Row row) {
    int[] at = TaskColumns.in(row);
    return new Task(
        row.getLong(at[TaskColumns.ID]),
        row.getLong(at[TaskColumns.PROJECT_ID]),
        row.getString(at[TaskColumns.TYPE]),
        row.getString(at[TaskColumns.TYPE_VERSION]),
        row.getString(at[TaskColumns.TITLE]),
        row.getString(at[TaskColumns.DESCRIPTION]),
        json(row.getValue(at[TaskColumns.PARAMS])),
        row.getInteger(at[TaskColumns.PRIORITY]),
        TaskStatus.of(row.getString(at[TaskColumns.STATUS])),
        row.getString(at[TaskColumns.EXTERNAL_ID]),
        row.getString(at[TaskColumns.MILESTONE_ID]),
        row.getString(at[TaskColumns.DEDUPE_KEY]),
        instant(row, at[TaskColumns.RUN_AT]),
        row.getInteger(at[TaskColumns.ATTEMPTS]),
        row.getInteger(at[TaskColumns.MAX_ATTEMPTS]),
        row.getString(at[TaskColumns.WORKER_ID]),
        row.getUUID(at[TaskColumns.LEASE_ID]),
        instant(row, at[TaskColumns.CLAIMED_AT]),
        instant(row, at[TaskColumns.LEASE_EXPIRES_AT]),
        instant(row, at[TaskColumns.COMPLETED_AT]),
        json(row.getValue(at[TaskColumns.RESULT])),
        row.getString(at[TaskColumns.ERROR_MESSAGE]),
        instant(row, at[TaskColumns.CREATED_AT]),
        instant(row, at[TaskColumns.UPDATED_AT]),
        row.getInteger(at[TaskColumns.UNMET_PREREQUISITES]),
        row.getLong(at[TaskColumns.PARENT_ID]),
        row.getBoolean(at[TaskColumns.COMPLETE_WHEN_CHILDREN_DONE]),
        json(row.getValue(at[TaskColumns.EVENT_PAYLOADS])),
        (JsonObject) json(row.getValue(at[TaskColumns.METADATA])));
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

  private static Instant instant(Row row, int position) {
    OffsetDateTime value = row.getOffsetDateTime(position);
    return value == null ? null : value.toInstant();
  }

  /** jsonb decodes to Vert.x JSON types; a JSON null comes back as a marker, which we fold into null. */
  static Object json(Object value) {
    return value == Tuple.JSON_NULL ? null : value;
  }
}
