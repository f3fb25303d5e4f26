package io.taskq.api;

import io.taskq.queue.BulkOutcome;
import io.taskq.queue.Task;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The JSON of the hot path's answers (a created, claimed or completed task) written straight to
 * bytes: the same bytes as {@link Representations#task} encoded by Vert.x and copied from its
 * String into a Buffer ({@link Responses#json}), without the 30-entry map, Jackson's writer, the
 * String and the copy. {@code TaskJsonTest} holds the two to the same bytes on random tasks.
 */
final class TaskJson {

  private static final byte[] ID = field("{", "id");
  private static final byte[] PROJECT_ID = field(",", "project_id");
  private static final byte[] TYPE = field(",", "type");
  private static final byte[] TYPE_VERSION = field(",", "type_version");
  private static final byte[] TITLE = field(",", "title");
  private static final byte[] DESCRIPTION = field(",", "description");
  private static final byte[] PARAMS = field(",", "params");
  private static final byte[] PRIORITY = field(",", "priority");
  private static final byte[] PRIORITY_SCORE = field(",", "priority_score");
  private static final byte[] STATUS = field(",", "status");
  private static final byte[] EXTERNAL_ID = field(",", "external_id");
  private static final byte[] MILESTONE_ID = field(",", "milestone_id");
  private static final byte[] DEDUPE_KEY = field(",", "dedupe_key");
  private static final byte[] RUN_AT = field(",", "run_at");
  private static final byte[] ATTEMPTS = field(",", "attempts");
  private static final byte[] MAX_ATTEMPTS = field(",", "max_attempts");
  private static final byte[] WORKER_ID = field(",", "worker_id");
  private static final byte[] CLAIMED_AT = field(",", "claimed_at");
  private static final byte[] LEASE_EXPIRES_AT = field(",", "lease_expires_at");
  private static final byte[] COMPLETED_AT = field(",", "completed_at");
  private static final byte[] RESULT = field(",", "result");
  private static final byte[] ERROR_MESSAGE = field(",", "error_message");
  private static final byte[] CREATED_AT = field(",", "created_at");
  private static final byte[] UPDATED_AT = field(",", "updated_at");
  private static final byte[] UNMET_PREREQUISITES = field(",", "unmet_prerequisites");
  private static final byte[] PARENT_ID = field(",", "parent_id");
  private static final byte[] COMPLETE_WHEN_CHILDREN_DONE = field(",", "complete_when_children_done");
  private static final byte[] EVENT_PAYLOADS = field(",", "event_payloads");
  private static final byte[] METADATA = field(",", "metadata");
  private static final byte[] LEASE_ID = field(",", "lease_id");
  private static final byte[] TASKS = field("{", "tasks");
  private static final byte[] CREATED = field("{", "created");
  private static final byte[] SKIPPED = field(",", "skipped");
  private static final byte[] INDEX = field("{", "index");
  private static final byte[] TASK = field(",", "task");
  private static final byte[] REASON = field(",", "reason");
  private static final byte[] SUMMARY_TOTAL_REQUESTED = JsonBytes.ascii(",\"summary\":{\"totalRequested\":");
  private static final byte[] SUMMARY_CREATED = field(",", "created");
  private static final byte[] EMPTY_OBJECT = JsonBytes.ascii("{}");

  private TaskJson() {
  }

  /** {@link Representations#task}, encoded. */
  static Buffer task(Task t) {
    return written(() -> fields(new JsonBytes(), t, false), () -> Representations.task(t));
  }

  /** {@link Representations#claimedTask}, encoded. */
  static Buffer claimedTask(Task t) {
    return written(() -> fields(new JsonBytes(), t, true), () -> Representations.claimedTask(t));
  }

  /** {@code {"tasks": [claimed task, ...]}}, the claim's answer, encoded. */
  static Buffer claimedTasks(List<Task> tasks) {
    return written(() -> {
      JsonBytes out = new JsonBytes().raw(TASKS).raw('[');
      for (int i = 0; i < tasks.size(); i++) {
        if (i > 0) {
          out.raw(',');
        }
        fields(out, tasks.get(i), true);
      }
      return out.raw(']').raw('}');
    }, () -> new JsonObject().put("tasks", Representations.list(tasks, Representations::claimedTask)));
  }

  /**
   * {@link Representations#bulkOutcome}, encoded: a bulk of 1,000 answers every task it created,
   * and building that answer as a tree of maps and encoding it was about a fifth of the server's
   * CPU on {@code tasks:bulk}.
   */
  static Buffer bulkOutcome(BulkOutcome outcome) {
    return written(() -> {
      JsonBytes out = new JsonBytes().raw(CREATED).raw('[');
      List<Task> created = outcome.created();
      for (int i = 0; i < created.size(); i++) {
        if (i > 0) {
          out.raw(',');
        }
        fields(out, created.get(i), false);
      }
      out.raw(']').raw(SKIPPED).raw('[');
      List<BulkOutcome.Skipped> skipped = outcome.skipped();
      for (int i = 0; i < skipped.size(); i++) {
        BulkOutcome.Skipped s = skipped.get(i);
        if (i > 0) {
          out.raw(',');
        }
        out.raw(INDEX).number(s.index()).raw(TASK);
        if (s.task() == null) {
          out.nullValue();
        } else {
          fields(out, s.task(), false);
        }
        out.raw(REASON).string(s.reason().wireName()).raw(EXTERNAL_ID).string(s.externalId()).raw('}');
      }
      return out.raw(']')
          .raw(SUMMARY_TOTAL_REQUESTED).number(outcome.requested())
          .raw(SUMMARY_CREATED).number(created.size())
          .raw(SKIPPED).number(skipped.size())
          .raw('}').raw('}');
    }, () -> Representations.bulkOutcome(outcome));
  }

  /** The bytes, or, for a value of a type JsonBytes does not know, the old way's. */
  private static Buffer written(Supplier<JsonBytes> write, Supplier<JsonObject> tree) {
    try {
      return write.get().toBuffer();
    } catch (JsonBytes.Unsupported e) {
      return Buffer.buffer(tree.get().encode());
    }
  }

  /** The fields in {@link Representations#task}'s order; the lease last, for its holder. */
  private static JsonBytes fields(JsonBytes out, Task t, boolean withLease) {
    out.raw(ID).number(t.id())
        .raw(PROJECT_ID).number(t.projectId())
        .raw(TYPE).string(t.type())
        .raw(TYPE_VERSION).string(t.typeVersion())
        .raw(TITLE).string(t.title())
        .raw(DESCRIPTION).string(t.description())
        .raw(PARAMS).value(t.params())
        .raw(PRIORITY).number(t.priority())
        // The original dashboard clients read the priority back under this name.
        .raw(PRIORITY_SCORE).number(t.priority())
        .raw(STATUS).string(t.status().wireName())
        .raw(EXTERNAL_ID).string(t.externalId())
        .raw(MILESTONE_ID).string(t.milestoneId())
        .raw(DEDUPE_KEY).string(t.dedupeKey())
        .raw(RUN_AT).string(time(t.runAt()))
        .raw(ATTEMPTS).number(t.attempts())
        .raw(MAX_ATTEMPTS).number(t.maxAttempts())
        .raw(WORKER_ID).string(t.workerId())
        .raw(CLAIMED_AT).string(time(t.claimedAt()))
        .raw(LEASE_EXPIRES_AT).string(time(t.leaseExpiresAt()))
        .raw(COMPLETED_AT).string(time(t.completedAt()))
        .raw(RESULT).value(t.result())
        .raw(ERROR_MESSAGE).string(t.errorMessage())
        .raw(CREATED_AT).string(time(t.createdAt()))
        .raw(UPDATED_AT).string(time(t.updatedAt()))
        .raw(UNMET_PREREQUISITES).number(t.unmetPrerequisites())
        .raw(PARENT_ID);
    if (t.parentId() == null) {
      out.nullValue();
    } else {
      out.number(t.parentId());
    }
    out.raw(COMPLETE_WHEN_CHILDREN_DONE).bool(t.completeWhenChildrenDone())
        .raw(EVENT_PAYLOADS).value(t.eventPayloads())
        .raw(METADATA);
    if (t.metadata() == null) {
      out.raw(EMPTY_OBJECT);
    } else {
      out.value(t.metadata());
    }
    if (withLease) {
      out.raw(LEASE_ID).string(t.leaseId() == null ? null : t.leaseId().toString());
    }
    return out.raw('}');
  }

  private static String time(Instant instant) {
    return instant == null ? null : Timestamps.format(instant);
  }

  /** A field's separator and quoted name with its colon, ready to copy (the names are plain ASCII). */
  private static byte[] field(String before, String name) {
    return JsonBytes.ascii(before + "\"" + name + "\":");
  }
}
