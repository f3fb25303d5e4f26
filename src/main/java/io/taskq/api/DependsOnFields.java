package io.taskq.api;

import io.taskq.queue.LinkType;
import io.taskq.queue.Prerequisite;
import io.taskq.queue.Prerequisite.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a task's {@code depends_on}: a list of {@code {"task_id": id} | {"external_id": "..."} |
 * {"ref": "..."} | {"event": "..."}}, each with an optional {@code "type"} (requires, the default;
 * blocks; suggests). Faults are recorded in the task's {@link Fields}, with pointers to the entry.
 * Whether a ref names an item is the graph's question (a single create has no other item, so
 * every ref there is answered 422 once the project is known to exist).
 */
final class DependsOnFields {

  /** Prerequisites of one task: a fan-in of 10,000 is one request. */
  static final int MAX_PER_TASK = 10_000;
  static final int MAX_KEY_LENGTH = 255;

  private DependsOnFields() {
  }

  /** The entries of {@code depends_on} in the task's fields, or an empty list (absent, or faulty). */
  static List<Prerequisite> read(Fields task) {
    JsonArray entries = task.array("depends_on", false);
    if (entries == null) {
      return List.of();
    }
    if (entries.size() > MAX_PER_TASK) {
      task.fault("depends_on", "depends_on takes at most " + MAX_PER_TASK + " prerequisites; this one has " + entries.size());
      return List.of();
    }
    String base = task.pointer("depends_on");
    List<Prerequisite> prerequisites = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      String pointer = base + "/" + i;
      if (!(entries.getValue(i) instanceof JsonObject entry)) {
        task.faultAt(pointer, "each depends_on entry must be a JSON object");
        continue;
      }
      Prerequisite p = entry(task.nested(entry, pointer), pointer);
      if (p != null) {
        prerequisites.add(p);
      }
    }
    return prerequisites;
  }

  private static Prerequisite entry(Fields f, String pointer) {
    List<Kind> given = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      if (f.has(kind.field())) {
        given.add(kind);
      }
    }
    String typeName = f.string("type", false, 32);
    LinkType type = LinkType.REQUIRES;
    if (typeName != null) {
      type = LinkType.fromWire(typeName).orElse(null);
      if (type == null) {
        f.fault("type", "type must be requires, blocks or suggests");
      }
    }
    // A member given as null names nothing: required, so that it is refused rather than dropped.
    Long taskId = f.has("task_id") ? f.id("task_id") : null;
    String externalId = f.has("external_id") ? f.string("external_id", true, MAX_KEY_LENGTH) : null;
    String ref = f.has("ref") ? f.string("ref", true, MAX_KEY_LENGTH) : null;
    String event = f.has("event") ? f.name("event", true, MAX_KEY_LENGTH) : null;
    f.rejectUnknown();
    if (given.size() != 1) {
      f.faultAt(pointer, "each depends_on entry names exactly one of task_id, external_id, ref and event");
      return null;
    }
    Kind kind = given.get(0);
    if (kind == Kind.EVENT && type == LinkType.SUGGESTS) {
      f.fault("type", "an event holds the task until it arrives: its type is requires or blocks, not suggests");
      return null;
    }
    String key = switch (kind) {
      case EXTERNAL_ID -> externalId;
      case REF -> ref;
      case EVENT -> event;
      case TASK_ID -> null;
    };
    if (type == null || (kind == Kind.TASK_ID ? taskId == null : key == null)) {
      return null;
    }
    return new Prerequisite(kind, taskId, key, type);
  }
}
