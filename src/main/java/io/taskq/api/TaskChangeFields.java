package io.taskq.api;

import io.taskq.queue.TaskChanges;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code PATCH /projects/{p}/tasks/{id}}: any of {@link TaskChanges#FIELDS}, each
 * under the rules of create. A nullable field of a task (title, description, metadata) given as
 * null is cleared; priority, run_at and max_attempts always have a value, so null is 422 for them.
 * Anything else, and an empty object (most likely a client's mistake, and a no-op), is 422.
 */
final class TaskChangeFields {

  private static final List<String> NEVER_NULL = List.of("priority", "run_at", "max_attempts");

  private TaskChangeFields() {
  }

  /** Reads the changes; faults are thrown as one 422. */
  static TaskChanges read(Fields f) {
    List<String> given = new ArrayList<>();
    for (String name : TaskChanges.FIELDS) {
      if (f.has(name)) {
        given.add(name);
      }
    }
    Integer priority = f.integer("priority", false, Integer.MIN_VALUE, Integer.MAX_VALUE);
    Instant runAt = f.timestamp("run_at");
    String title = f.string("title", false, 1000);
    String description = f.string("description", false, 100_000);
    JsonObject metadata = MetadataFields.read(f);
    Integer maxAttempts = f.integer("max_attempts", false, 1, 1000);
    for (String name : NEVER_NULL) {
      if (given.contains(name) && f.any(name) == null) {
        f.fault(name, name + " cannot be null; leave it out to keep the task's value");
      }
    }
    f.rejectUnknown();
    f.throwIfInvalid();
    if (given.isEmpty()) {
      throw io.taskq.error.Invalid.of("", "give at least one of " + String.join(", ", TaskChanges.FIELDS));
    }
    return new TaskChanges(given, priority, runAt, title, description, metadata, maxAttempts);
  }
}
