package io.taskq.workflow;

import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.taskq.queue.BulkOutcome;
import io.taskq.queue.DuplicateStrategy;
import io.taskq.queue.InRequestDuplicates;
import io.taskq.queue.LinkType;
import io.taskq.queue.NewTask;
import io.taskq.queue.Prerequisite.Kind;
import io.taskq.queue.Task;
import io.taskq.queue.TaskService;
import io.taskq.queue.TaskStatus;
import io.taskq.store.DependencyStore.Found;
import io.taskq.store.DependencyStore.GraphWriter;
import io.taskq.store.DependencyStore.ItemState;
import io.taskq.store.TaskStore.BulkInsertion;
import io.taskq.workflow.GraphPlan.Edge;
import io.taskq.workflow.GraphPlan.ItemPointers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One graph, written in one transaction of a constant number of statements whatever its size:
 * [lock the project's titles], [lock the event keys waited on, and find those already received],
 * [mark the existing prerequisites], insert the items, [find what skipped items collided with,
 * mark those that new items wait on, and correct the counts of those new items], link, [record
 * the waits on events not yet received]. Bracketed statements run only when needed; a first post
 * of a graph of new items runs two. Each new task is inserted with its final status and count, so
 * it is written once, unless a prerequisite it named turns out to be a stored task that had
 * completed. The event keys are locked before any task row: an arrival takes its key's lock
 * before the rows of the tasks waiting on it, so the two cannot wait on each other.
 *
 * <p>Subtasks add, also only when needed: [look up the stored parents named by parent_id]
 * before the insert (a child of an item gets its parent's id from the insert itself, by
 * position), [recount new parents whose child items were skipped, and give new children the
 * stored task that stands for a skipped parent item] after it, and after the link [walk the
 * stored tasks a new child waits on, then count the new children against their stored parents].
 * A constant number of statements in all, whatever the size.
 */
final class GraphWrite {

  private final GraphWriter writer;
  private final long projectId;
  private final List<NewTask> tasks;
  private final InRequestDuplicates duplicates;
  private final GraphPlan plan;
  private final DuplicateStrategy strategy;
  private final ItemPointers where;
  /** The workflow run the tasks belong to (internal id), or null. */
  private final Long workflowRunId;
  private final Map<Long, Found> byId = new HashMap<>();
  private final Map<String, Found> byExternalId = new HashMap<>();
  /** The task each written item is (created, or the stored one it collided with; null if that vanished). */
  private final Map<Integer, Task> taskOfItem = new HashMap<>();
  private final Set<Integer> createdItems = new HashSet<>();
  /** The events waited on that had been received (and had not expired), by key: their payloads (null: none). */
  private final Map<String, Object> arrivedEvents = new HashMap<>();
  /** Stored tasks named by parent_id, by id. */
  private final Map<Long, Task> storedParents = new HashMap<>();
  private Map<Integer, Integer> distinctIndexOf;

  GraphWrite(GraphWriter writer, long projectId, List<NewTask> tasks, InRequestDuplicates duplicates, GraphPlan plan,
      DuplicateStrategy strategy, ItemPointers where, Long workflowRunId) {
    this.writer = writer;
    this.workflowRunId = workflowRunId;
    this.projectId = projectId;
    this.tasks = tasks;
    this.duplicates = duplicates;
    this.plan = plan;
    this.strategy = strategy;
    this.where = where;
  }

  Future<BulkOutcome> run() {
    boolean titled = strategy == DuplicateStrategy.TITLE || strategy == DuplicateStrategy.TITLE_AND_MILESTONE;
    return (titled ? writer.lockProjectTitles(projectId) : Future.<Void>succeededFuture())
        .compose(v -> findArrivedEvents())
        .compose(v -> markNamedPrerequisites())
        .compose(v -> findNamedParents())
        .compose(v -> insert())
        .compose(this::correctForSkippedPrerequisites)
        .compose(this::correctForSkippedParents)
        .compose(outcome -> link().compose(v -> waitOnEvents()).map(outcome))
        .compose(outcome -> countChildrenOfStoredParents().map(outcome));
  }

  /** The events the items wait on that were received already: they do not hold, and their payloads go to the task. */
  private Future<Void> findArrivedEvents() {
    Set<String> keys = new TreeSet<>();
    for (int item : duplicates.firsts()) {
      plan.eventsOf(item).forEach(e -> keys.add(e.prerequisite().key()));
    }
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> sorted = List.copyOf(keys);
    return writer.lockEventKeys(projectId, sorted)
        .compose(v -> writer.findArrivedEvents(projectId, sorted))
        .map(arrived -> {
          arrivedEvents.putAll(arrived);
          return null;
        });
  }

  /** The payloads of the received events the item waits on, keyed by event key; null when it waits on none that arrived. */
  private JsonObject arrivedPayloads(int item) {
    JsonObject payloads = null;
    for (Edge e : plan.eventsOf(item)) {
      if (arrivedEvents.containsKey(e.prerequisite().key())) {
        payloads = payloads == null ? new JsonObject() : payloads;
        payloads.put(e.prerequisite().key(), arrivedEvents.get(e.prerequisite().key()));
      }
    }
    return payloads;
  }

  /** Each created item waits on the events it names that had not been received; a skipped item's waits are not applied. */
  private Future<Void> waitOnEvents() {
    List<Long> taskIds = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int item : duplicates.firsts()) {
      if (!createdItems.contains(item)) {
        continue;
      }
      for (Edge e : plan.eventsOf(item)) {
        if (!arrivedEvents.containsKey(e.prerequisite().key())) {
          taskIds.add(taskOfItem.get(item).id());
          keys.add(e.prerequisite().key());
        }
      }
    }
    return writer.waitOnEvents(projectId, taskIds, keys);
  }

  /** Existing tasks named by id or external id: each must be in the project, and a requires link needs one that may yet complete. */
  private Future<Void> markNamedPrerequisites() {
    Set<Long> holdingIds = new LinkedHashSet<>();
    Set<String> holdingKeys = new LinkedHashSet<>();
    Set<Long> otherIds = new LinkedHashSet<>();
    Set<String> otherKeys = new LinkedHashSet<>();
    for (int item : duplicates.firsts()) {
      for (Edge e : plan.edgesOf(item)) {
        boolean holds = e.prerequisite().type().holds();
        if (e.prerequisite().kind() == Kind.TASK_ID) {
          (holds ? holdingIds : otherIds).add(e.prerequisite().taskId());
        } else if (e.prerequisite().kind() == Kind.EXTERNAL_ID) {
          (holds ? holdingKeys : otherKeys).add(e.prerequisite().key());
        }
      }
    }
    if (holdingIds.isEmpty() && holdingKeys.isEmpty() && otherIds.isEmpty() && otherKeys.isEmpty()) {
      return Future.succeededFuture();
    }
    otherIds.removeAll(holdingIds);
    otherKeys.removeAll(holdingKeys);
    return writer.markPrerequisites(projectId, List.copyOf(holdingIds), List.copyOf(holdingKeys), List.copyOf(otherIds),
        List.copyOf(otherKeys)).compose(found -> {
          for (Found f : found) {
            byId.put(f.task().id(), f);
            if (f.task().externalId() != null) {
              byExternalId.put(f.task().externalId(), f);
            }
          }
          for (int item : duplicates.firsts()) {
            Set<Long> named = new HashSet<>();
            for (Edge e : plan.edgesOf(item)) {
              if (e.toItem()) {
                continue;
              }
              Found f = named(e);
              if (f == null) {
                return Future.failedFuture(GraphService.linkFault(where, e, e.prerequisite().kind() == Kind.TASK_ID
                    ? "there is no task " + e.prerequisite().taskId() + " in this project"
                    : "there is no task with external_id " + e.prerequisite().key() + " in this project"));
              }
              if (!named.add(f.task().id())) {
                return Future.failedFuture(GraphService.linkFault(where, e, "depends_on names task " + f.task().id() + " twice"));
              }
              Throwable fault = unsatisfiable(e, f.task());
              if (fault != null) {
                return Future.failedFuture(fault);
              }
            }
          }
          return Future.succeededFuture();
        });
  }

  private Found named(Edge e) {
    return e.prerequisite().kind() == Kind.TASK_ID ? byId.get(e.prerequisite().taskId()) : byExternalId.get(e.prerequisite().key());
  }

  /** A requires link to a task that failed for good or was cancelled could never be satisfied. */
  private Throwable unsatisfiable(Edge e, Task prerequisite) {
    boolean over = prerequisite.status() == TaskStatus.FAILED || prerequisite.status() == TaskStatus.CANCELLED;
    if (e.prerequisite().type() != LinkType.REQUIRES || !over) {
      return null;
    }
    return GraphService.linkFault(where, e, "task " + prerequisite.id() + " is " + prerequisite.status().wireName()
        + ": a requires link to it could never be satisfied (retry it first, or link with blocks)");
  }

  /** Whether a link counts against its dependent now: a holding link to a task that may yet complete. */
  private boolean holds(Edge e) {
    if (!e.prerequisite().type().holds()) {
      return false;
    }
    return e.toItem() || named(e).marked();
  }

  private Future<BulkOutcome> insert() {
    List<NewTask> distinct = new ArrayList<>();
    List<ItemState> states = new ArrayList<>();
    for (int item : duplicates.firsts()) {
      distinct.add(tasks.get(item));
      int unmet = (int) plan.edgesOf(item).stream().filter(this::holds).count()
          + (int) plan.eventsOf(item).stream().filter(e -> !arrivedEvents.containsKey(e.prerequisite().key())).count();
      states.add(stateOf(item, unmet));
    }
    return writer.insertItems(projectId, distinct, states, strategy).compose(created -> {
      for (Map.Entry<Integer, Task> c : created.entrySet()) {
        int item = duplicates.firsts().get(c.getKey());
        createdItems.add(item);
        taskOfItem.put(item, c.getValue());
      }
      if (created.size() == distinct.size()) {
        return Future.succeededFuture(TaskService.outcomeOf(tasks, duplicates, new BulkInsertion(created, List.of()), strategy));
      }
      List<NewTask> skipped = new ArrayList<>();
      for (int d = 0; d < distinct.size(); d++) {
        if (!created.containsKey(d)) {
          skipped.add(distinct.get(d));
        }
      }
      return writer.findCollisions(projectId, skipped, strategy).map(existing -> {
        BulkOutcome outcome = TaskService.outcomeOf(tasks, duplicates, new BulkInsertion(created, existing), strategy);
        for (BulkOutcome.Skipped s : outcome.skipped()) {
          if (!duplicates.firstOf().containsKey(s.index())) {
            taskOfItem.put(s.index(), s.task());
          }
        }
        return outcome;
      });
    });
  }

  /**
   * New items that wait on items of the request that were skipped (a re-post adding tasks to a
   * graph) were counted as if those were new: look at the stored tasks they are, marking them as
   * prerequisites, and stop counting those that completed (or vanished).
   */
  private Future<BulkOutcome> correctForSkippedPrerequisites(BulkOutcome outcome) {
    Set<Long> stored = new LinkedHashSet<>();
    for (int item : createdItems) {
      for (Edge e : plan.edgesOf(item)) {
        Task target = e.toItem() && !createdItems.contains(e.targetItem()) ? taskOfItem.get(e.targetItem()) : null;
        if (target != null && e.prerequisite().type().holds()) {
          stored.add(target.id());
        }
      }
    }
    boolean anySkippedTarget = createdItems.stream()
        .anyMatch(item -> plan.edgesOf(item).stream().anyMatch(e -> e.toItem() && !createdItems.contains(e.targetItem())));
    if (!anySkippedTarget) {
      return Future.succeededFuture(outcome);
    }
    Future<List<Found>> marked = stored.isEmpty() ? Future.succeededFuture(List.of())
        : writer.markPrerequisites(projectId, List.copyOf(stored), List.of(), List.of(), List.of());
    return marked.compose(found -> {
      Map<Long, Found> storedById = new HashMap<>();
      found.forEach(f -> storedById.put(f.task().id(), f));
      List<Long> ids = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      for (int item : createdItems) {
        Task dependent = taskOfItem.get(item);
        int unmet = dependent.unmetPrerequisites();
        Set<Long> named = new HashSet<>();
        for (Edge e : plan.edgesOf(item)) {
          Long prerequisiteId = prerequisiteId(e);
          if (prerequisiteId != null && !named.add(prerequisiteId)) {
            return Future.failedFuture(GraphService.linkFault(where, e, "depends_on names task " + prerequisiteId + " twice"));
          }
          if (!e.toItem() || createdItems.contains(e.targetItem()) || !e.prerequisite().type().holds()) {
            continue;
          }
          Found f = prerequisiteId == null ? null : storedById.get(prerequisiteId);
          if (f == null || !f.marked()) {
            unmet--; // completed, or removed since: it does not hold
          } else {
            Throwable fault = unsatisfiable(e, f.task());
            if (fault != null) {
              return Future.failedFuture(fault);
            }
          }
        }
        if (unmet != dependent.unmetPrerequisites()) {
          ids.add(dependent.id());
          counts.add(unmet);
        }
      }
      if (ids.isEmpty()) {
        return Future.succeededFuture(outcome);
      }
      return writer.recount(ids, counts).map(recounted -> {
        Map<Long, Task> now = new HashMap<>();
        recounted.forEach(t -> now.put(t.id(), t));
        createdItems.forEach(item -> taskOfItem.computeIfPresent(item, (i, t) -> now.getOrDefault(t.id(), t)));
        List<Task> created = outcome.created().stream().map(t -> now.getOrDefault(t.id(), t)).toList();
        return new BulkOutcome(outcome.requested(), created, outcome.skipped());
      });
    });
  }

  /** The task an edge names, once items are written; null for a skipped item whose stored task vanished. */
  private Long prerequisiteId(Edge e) {
    if (e.toItem()) {
      Task target = taskOfItem.get(e.targetItem());
      return target == null ? null : target.id();
    }
    return named(e).task().id();
  }

  /** The links of the created items (a skipped item's own links are not applied). */
  private Future<Void> link() {
    List<Long> dependents = new ArrayList<>();
    List<Long> prerequisites = new ArrayList<>();
    List<LinkType> types = new ArrayList<>();
    for (int item : duplicates.firsts()) {
      if (!createdItems.contains(item)) {
        continue;
      }
      long dependent = taskOfItem.get(item).id();
      for (Edge e : plan.edgesOf(item)) {
        Long prerequisite = prerequisiteId(e);
        if (prerequisite != null) {
          dependents.add(dependent);
          prerequisites.add(prerequisite);
          types.add(e.prerequisite().type());
        }
      }
    }
    addChildLinks(dependents, prerequisites, types);
    return writer.link(dependents, prerequisites, types);
  }

  // ---- Subtasks: parents named by parent_id (stored tasks) or parent_ref (items of the request).
  // A plain parent only records parent_id. A parent that completes with its children is their
  // dependent: one 'child' link per child (task_id = parent, prerequisite_id = child), counted
  // in the parent's unmet_prerequisites like a requires link.

  /** Stored tasks named by parent_id: each must be in the project; one that completes with its children must not have finished. */
  private Future<Void> findNamedParents() {
    Set<Long> ids = new LinkedHashSet<>();
    for (int item : duplicates.firsts()) {
      if (plan.parentTaskId(item) != null) {
        ids.add(plan.parentTaskId(item));
      }
    }
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    // A look-up, not a mark: the parent is the dependent of its children, never their prerequisite.
    // countChildrenOfStoredParents locks it and reads its newest status.
    return writer.markPrerequisites(projectId, List.of(), List.of(), List.copyOf(ids), List.of()).compose(found -> {
      found.forEach(f -> storedParents.put(f.task().id(), f.task()));
      for (int item : duplicates.firsts()) {
        Long parentId = plan.parentTaskId(item);
        if (parentId == null) {
          continue;
        }
        Task parent = storedParents.get(parentId);
        if (parent == null) {
          return Future.failedFuture(parentFault(item, "parent_id", "there is no task " + parentId + " in this project"));
        }
        if (parent.completeWhenChildrenDone() && parent.status() != TaskStatus.BLOCKED) {
          return Future.failedFuture(parentFault(item, "parent_id", finishedParent(parent.id(), parent.status())));
        }
      }
      return Future.succeededFuture();
    });
  }

  private Invalid parentFault(int item, String field, String message) {
    return new Invalid(message, List.of(new FieldError(where.of(item) + "/" + field, where.index(item), message)));
  }

  private static String finishedParent(long parentId, TaskStatus status) {
    return "task " + parentId + (status == null ? " has finished" : " is " + status.wireName())
        + ": a parent that completes with its children cannot gain children once it has finished";
  }

  /** The parent a written item has once items are written: a created item, a stored task, or null. */
  private Task parentOf(int item) {
    int parentItem = plan.parentItem(item);
    if (parentItem >= 0) {
      return taskOfItem.get(parentItem);
    }
    Long parentId = plan.parentTaskId(item);
    return parentId == null ? null : storedParents.get(parentId);
  }

  /** Whether the item's parent completes with its children: the stored flag for a stored parent, the item's own for a parent item. */
  private boolean parentCompletesWithChildren(int item) {
    int parentItem = plan.parentItem(item);
    if (parentItem >= 0) {
      return createdItems.contains(parentItem) ? plan.completesWithChildren(parentItem)
          : taskOfItem.get(parentItem) != null && taskOfItem.get(parentItem).completeWhenChildrenDone();
    }
    Task stored = parentOf(item);
    return stored != null && stored.completeWhenChildrenDone();
  }

  /**
   * How an item is inserted: its count gains one per child item when it completes with its
   * children, and its parent is the stored task or, by position, the parent item (whose id the
   * insert draws). As if every item were new: the corrections below handle skipped ones.
   */
  private ItemState stateOf(int item, int unmet) {
    boolean completes = plan.completesWithChildren(item);
    int parentItem = plan.parentItem(item);
    Long parentId = plan.parentTaskId(item);
    boolean storedParentCompletes = parentId != null && storedParents.get(parentId).completeWhenChildrenDone();
    return new ItemState(unmet + (completes ? plan.childItems(item) : 0), plan.isHoldingPrerequisite(item) || storedParentCompletes,
        arrivedPayloads(item), parentId, completes, workflowRunId, parentItem >= 0 ? distinctIndex(parentItem) : null);
  }

  private int distinctIndex(int item) {
    if (distinctIndexOf == null) {
      distinctIndexOf = new HashMap<>();
      for (int d = 0; d < duplicates.firsts().size(); d++) {
        distinctIndexOf.put(duplicates.firsts().get(d), d);
      }
    }
    return distinctIndexOf.get(item);
  }

  /**
   * A re-post can skip a parent item (its stored task stands in: the new children get its id
   * and, when it completes with its children, are counted against it) or skip child items of a
   * new parent (which then does not count them).
   */
  private Future<BulkOutcome> correctForSkippedParents(BulkOutcome outcome) {
    List<Long> adopted = new ArrayList<>();
    List<Long> adoptiveParents = new ArrayList<>();
    List<Boolean> linked = new ArrayList<>();
    Map<Integer, Integer> uncountedChildren = new HashMap<>();
    for (int item : duplicates.firsts()) {
      int parentItem = plan.parentItem(item);
      if (parentItem < 0 || (createdItems.contains(item) && createdItems.contains(parentItem))) {
        continue;
      }
      if (!createdItems.contains(item)) {
        if (createdItems.contains(parentItem) && plan.completesWithChildren(parentItem)) {
          uncountedChildren.merge(parentItem, 1, Integer::sum);
        }
        continue;
      }
      Task stored = taskOfItem.get(parentItem);
      if (stored == null) {
        return Future.failedFuture(parentFault(item, "parent_ref", "the task item " + parentItem
            + " stands for was removed while this request ran; retry the request"));
      }
      if (stored.completeWhenChildrenDone() && isFinished(stored.status())) {
        return Future.failedFuture(parentFault(item, "parent_ref", finishedParent(stored.id(), stored.status())));
      }
      adopted.add(taskOfItem.get(item).id());
      adoptiveParents.add(stored.id());
      linked.add(stored.completeWhenChildrenDone());
    }
    Future<BulkOutcome> recounted = Future.succeededFuture(outcome);
    if (!uncountedChildren.isEmpty()) {
      List<Long> ids = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      uncountedChildren.forEach((parentItem, n) -> {
        ids.add(taskOfItem.get(parentItem).id());
        counts.add(taskOfItem.get(parentItem).unmetPrerequisites() - n);
      });
      recounted = writer.recount(ids, counts).map(now -> replaceCreated(outcome, now));
    }
    if (adopted.isEmpty()) {
      return recounted;
    }
    return recounted.compose(o -> writer.adopt(adopted, adoptiveParents, linked).map(now -> replaceCreated(o, now)));
  }

  private static boolean isFinished(TaskStatus status) {
    return status == TaskStatus.COMPLETED || status == TaskStatus.FAILED || status == TaskStatus.CANCELLED;
  }

  /** The outcome with these tasks as they now are, and the items' tasks too. */
  private BulkOutcome replaceCreated(BulkOutcome outcome, List<Task> changed) {
    Map<Long, Task> now = new HashMap<>();
    changed.forEach(t -> now.put(t.id(), t));
    createdItems.forEach(item -> taskOfItem.computeIfPresent(item, (i, t) -> now.getOrDefault(t.id(), t)));
    return new BulkOutcome(outcome.requested(), outcome.created().stream().map(t -> now.getOrDefault(t.id(), t)).toList(),
        outcome.skipped());
  }

  /** A 'child' link from each created item to its parent, when the parent completes with its children. */
  private void addChildLinks(List<Long> dependents, List<Long> prerequisites, List<LinkType> types) {
    for (int item : duplicates.firsts()) {
      if (!createdItems.contains(item) || !parentCompletesWithChildren(item)) {
        continue;
      }
      dependents.add(parentOf(item).id());
      prerequisites.add(taskOfItem.get(item).id());
      types.add(LinkType.CHILD);
    }
  }

  /** Stored parents that complete with their children count their new children, in one statement whatever their number. */
  private Future<Void> countChildrenOfStoredParents() {
    Map<Long, Integer> newChildren = new java.util.TreeMap<>();
    for (int item : duplicates.firsts()) {
      int parentItem = plan.parentItem(item);
      boolean storedParent = parentItem < 0 || !createdItems.contains(parentItem);
      if (createdItems.contains(item) && storedParent && parentCompletesWithChildren(item)) {
        newChildren.merge(parentOf(item).id(), 1, Integer::sum);
      }
    }
    if (newChildren.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Long> ids = List.copyOf(newChildren.keySet());
    return rejectWaitsThroughStoredTasks().compose(v -> writer.countChildren(ids, List.copyOf(newChildren.values()))).compose(counted -> {
      for (Long id : ids) {
        if (!counted.contains(id)) {
          int item = firstChildOf(id);
          String field = plan.parentItem(item) >= 0 ? "parent_ref" : "parent_id";
          return Future.failedFuture(parentFault(item, field, finishedParent(id, null)));
        }
      }
      return Future.succeededFuture();
    });
  }

  /**
   * A stored parent that completes with its children starts waiting on each new child, so it is
   * the one stored task that gains a prerequisite: a child that waits, through items of the
   * request and stored tasks, on that parent would close a cycle. The items' part is walked here,
   * the stored part in one statement ({@code DependencyStore.GraphWriter#waitsOn}).
   */
  private Future<Void> rejectWaitsThroughStoredTasks() {
    Map<Integer, Set<Long>> storedWaitedOn = new HashMap<>();
    Set<Long> starts = new LinkedHashSet<>();
    Set<Long> parents = new LinkedHashSet<>();
    for (int item : duplicates.firsts()) {
      int parentItem = plan.parentItem(item);
      boolean storedParent = parentItem < 0 || !createdItems.contains(parentItem);
      if (!createdItems.contains(item) || !storedParent || !parentCompletesWithChildren(item)) {
        continue;
      }
      long parentId = parentOf(item).id();
      Set<Long> waitedOn = storedTasksWaitedOnFrom(item);
      if (waitedOn.contains(parentId)) {
        return Future.failedFuture(waitsOnParent(item, parentId));
      }
      if (!waitedOn.isEmpty()) {
        storedWaitedOn.put(item, waitedOn);
        starts.addAll(waitedOn);
        parents.add(parentId);
      }
    }
    if (starts.isEmpty()) {
      return Future.succeededFuture();
    }
    return writer.waitsOn(List.copyOf(starts), List.copyOf(parents)).compose(reached -> {
      for (Map.Entry<Integer, Set<Long>> child : storedWaitedOn.entrySet()) {
        long parentId = parentOf(child.getKey()).id();
        for (long start : child.getValue()) {
          if (reached.getOrDefault(start, Set.of()).contains(parentId)) {
            return Future.failedFuture(waitsOnParent(child.getKey(), parentId));
          }
        }
      }
      return Future.succeededFuture();
    });
  }

  /** The stored tasks an item waits on directly or through the items it waits on (holding links; a parent item waits on its children). */
  private Set<Long> storedTasksWaitedOnFrom(int start) {
    Set<Long> stored = new LinkedHashSet<>();
    Set<Integer> seen = new HashSet<>();
    java.util.ArrayDeque<Integer> next = new java.util.ArrayDeque<>(List.of(start));
    while (!next.isEmpty()) {
      int item = next.pop();
      if (!seen.add(item)) {
        continue;
      }
      for (Edge e : plan.edgesOf(item)) {
        if (!e.prerequisite().type().holds()) {
          continue;
        }
        if (e.toItem() && createdItems.contains(e.targetItem())) {
          next.push(e.targetItem());
        } else {
          Long id = prerequisiteId(e);
          if (id != null) {
            stored.add(id);
          }
        }
      }
      if (plan.completesWithChildren(item)) {
        for (int child : duplicates.firsts()) {
          if (plan.parentItem(child) == item && createdItems.contains(child)) {
            next.push(child);
          }
        }
      }
    }
    return stored;
  }

  private Invalid waitsOnParent(int item, long parentId) {
    String field = plan.parentItem(item) >= 0 ? "parent_ref" : "parent_id";
    return parentFault(item, field, "task " + parentId + " would wait on this task, its child, which waits on task " + parentId
        + " (through its prerequisites): the dependencies would form a cycle");
  }

  private int firstChildOf(long parentId) {
    for (int item : duplicates.firsts()) {
      Task parent = createdItems.contains(item) ? parentOf(item) : null;
      if (parent != null && parent.id() == parentId) {
        return item;
      }
    }
    throw new IllegalStateException("no child of task " + parentId);
  }
}
