package io.taskq.queue;

import java.util.List;

/** What a bulk request did, item by item: tasks created, and items skipped with the task they duplicate. */
public record BulkOutcome(int requested, List<Task> created, List<Skipped> skipped) {

  /**
   * @param index the item's position in the request
   * @param task the existing task the item duplicates; null only if it vanished meanwhile
   */
  public record Skipped(int index, Task task, SkipReason reason, String externalId) {
  }
}
