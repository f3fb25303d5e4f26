package io.taskq.queue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * What a PATCH of a task asks to change: the fields named in {@code given} (wire names, in
 * {@link #FIELDS} order) take the values here; a given {@code title}, {@code description} or
 * {@code metadata} that is null clears it (metadata null: none). The others keep theirs.
 */
public record TaskChanges(List<String> given, Integer priority, Instant runAt, String title, String description,
    JsonObject metadata, Integer maxAttempts) {

  /** The fields a PATCH may change, in the order they are named (the log entry's too). */
  public static final List<String> FIELDS = List.of("priority", "run_at", "title", "description", "metadata", "max_attempts");

  public TaskChanges {
    given = List.copyOf(given);
  }
}
