package io.taskq.api;

import io.taskq.auth.ApiKey;
import io.taskq.auth.Permission;
import io.taskq.queue.BulkOutcome;
import io.taskq.queue.Project;
import io.taskq.queue.Task;
import io.taskq.queue.TaskLog;
import io.taskq.queue.TaskType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/** The JSON of every resource: snake_case fields, RFC 3339 UTC timestamps, absent values as null. */
final class Representations {

  /** Room for a task's 30 fields without the two resizes (16, 32, 64) of a default map. */
  private static final int TASK_MAP_CAPACITY = 64;

  private Representations() {
  }

  /** A task as anyone with read access sees it: without its lease id, which is the holder's alone. */
  static JsonObject task(Task t) {
    return new JsonObject(new LinkedHashMap<>(TASK_MAP_CAPACITY))
        .put("id", t.id())
        .put("project_id", t.projectId())
        .put("type", t.type())
        .put("type_version", t.typeVersion())
        .put("title", t.title())
        .put("description", t.description())
        .put("params", t.params())
        .put("priority", t.priority())
        // The original dashboard clients read the priority back under this name.
        .put("priority_score", t.priority())
        .put("status", t.status().wireName())
        .put("external_id", t.externalId())
        .put("milestone_id", t.milestoneId())
        .put("dedupe_key", t.dedupeKey())
        .put("run_at", time(t.runAt()))
        .put("attempts", t.attempts())
        .put("max_attempts", t.maxAttempts())
        .put("worker_id", t.workerId())
        .put("claimed_at", time(t.claimedAt()))
        .put("lease_expires_at", time(t.leaseExpiresAt()))
        .put("completed_at", time(t.completedAt()))
        .put("result", t.result())
        .put("error_message", t.errorMessage())
        .put("created_at", time(t.createdAt()))
        .put("updated_at", time(t.updatedAt()))
        .put("unmet_prerequisites", t.unmetPrerequisites())
        .put("parent_id", t.parentId())
        .put("complete_when_children_done", t.completeWhenChildrenDone())
        .put("event_payloads", t.eventPayloads())
        .put("metadata", t.metadata() == null ? new JsonObject() : t.metadata());
  }

  /** A task as its new holder sees it, with the lease that proves the holding. */
  static JsonObject claimedTask(Task t) {
    return task(t).put("lease_id", t.leaseId() == null ? null : t.leaseId().toString());
  }

  static JsonObject taskLog(TaskLog l) {
    return new JsonObject()
        .put("id", l.id())
        .put("task_id", l.taskId())
        .put("event", l.event())
        .put("worker_id", l.workerId())
        .put("message", l.message())
        .put("metadata", l.metadata())
        .put("created_at", time(l.createdAt()));
  }

  static JsonObject project(Project p) {
    return new JsonObject()
        .put("id", p.id())
        .put("name", p.name())
        .put("created_at", time(p.createdAt()))
        .put("updated_at", time(p.updatedAt()));
  }

  static JsonObject taskType(TaskType t) {
    return new JsonObject()
        .put("id", t.id())
        .put("name", t.name())
        .put("version", t.version())
        .put("param_schema", t.paramSchema())
        .put("max_attempts", t.maxAttempts())
        .put("lease_seconds", t.leaseSeconds())
        .put("max_concurrency", t.maxConcurrency())
        .put("active", t.active())
        .put("created_at", time(t.createdAt()))
        .put("updated_at", time(t.updatedAt()));
  }

  static JsonObject apiKey(ApiKey k) {
    JsonArray permissions = new JsonArray();
    k.permissions().stream().map(Permission::wireName).sorted().forEach(permissions::add);
    return new JsonObject()
        .put("id", k.id().toString())
        .put("name", k.name())
        .put("prefix", k.prefix())
        .put("project_id", k.projectId())
        .put("permissions", permissions)
        .put("rate_limit_per_minute", k.rateLimitPerMinute())
        .put("created_at", time(k.createdAt()))
        .put("revoked_at", time(k.revokedAt()))
        .put("last_used_at", time(k.lastUsedAt()));
  }

  static JsonObject bulkOutcome(BulkOutcome outcome) {
    JsonArray skipped = new JsonArray();
    for (BulkOutcome.Skipped s : outcome.skipped()) {
      skipped.add(new JsonObject()
          .put("index", s.index())
          .put("task", s.task() == null ? null : task(s.task()))
          .put("reason", s.reason().wireName())
          .put("external_id", s.externalId()));
    }
    return new JsonObject()
        .put("created", list(outcome.created(), Representations::task))
        .put("skipped", skipped)
        .put("summary", new JsonObject()
            .put("totalRequested", outcome.requested())
            .put("created", outcome.created().size())
            .put("skipped", outcome.skipped().size()));
  }

  static <T> JsonArray list(List<T> items, Function<T, JsonObject> representation) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(representation.apply(item)));
    return array;
  }

  /** A page of a listing: {@code next_after} is the cursor of the next page, null on the last. */
  static <T> JsonObject page(List<T> items, Function<T, JsonObject> representation, Long nextAfter) {
    return new JsonObject().put("items", list(items, representation)).put("next_after", nextAfter);
  }

  /** RFC 3339 in UTC, as ISO_INSTANT writes it (see Timestamps), or null. */
  static String time(Instant instant) {
    return instant == null ? null : Timestamps.format(instant);
  }
}
