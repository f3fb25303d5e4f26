package io.taskq.api;

/**
 * Reads a task's place in a hierarchy: {@code parent_id} (an existing task of the project),
 * {@code parent_ref} (another item of the same bulk request, by its external id) and
 * {@code complete_when_children_done}. Faults are recorded in the task's {@link Fields}. Whether
 * the parent exists, whether a ref names an item, and that not both are given, are the graph's
 * questions, answered once the project is known to exist (a single create has no other item: a
 * parent_ref there is always 422).
 */
record ParentFields(Long parentId, String parentRef, boolean completeWhenChildrenDone) {

  static ParentFields read(Fields task) {
    // A null parent_id counts as absent, as every optional field of a task does.
    Long parentId = task.any("parent_id") == null ? null : task.id("parent_id");
    String parentRef = task.optionalNonEmpty("parent_ref", DependsOnFields.MAX_KEY_LENGTH);
    boolean completes = task.bool("complete_when_children_done", false);
    return new ParentFields(parentId, parentRef, completes);
  }
}
