package io.taskq.store.pg;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks this instance handed out that had dependents when claimed, so that their completions
 * go straight to {@link TaskSql#COMPLETE_ALL} instead of first trying
 * {@link TaskSql#COMPLETE_ALL_WITHOUT_DEPENDENTS}, which would refuse them: in a workflow nearly
 * every task has a dependent, and a refused try costs a statement. A hint only, never needed for
 * correctness: a task claimed on another instance, one gaining a dependent after its claim, or
 * one forgotten when the set filled up and was emptied, costs that one refused try.
 */
final class ClaimedWithDependents {

  /** About 8 MB at most; a task that never completes here stays until the set is emptied. */
  static final int CAPACITY = 100_000;

  private final Set<Long> ids = ConcurrentHashMap.newKeySet();

  void claimed(long taskId) {
    if (ids.size() >= CAPACITY) {
      ids.clear();
    }
    ids.add(taskId);
  }

  /** Whether the task was noted at its claim; forgets it either way. */
  boolean forget(long taskId) {
    return ids.remove(taskId);
  }
}
