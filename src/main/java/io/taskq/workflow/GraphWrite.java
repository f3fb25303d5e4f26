package io.taskq.workflow;

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
        .compose(v -> insert())
        .compose(this::correctForSkippedPrerequisites)
        .compose(outcome -> link().compose(v -> waitOnEvents()).map(outcome));
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
      states.add(new ItemState(unmet, plan.isHoldingPrerequisite(item), arrivedPayloads(item), null, false, workflowRunId));
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
    return writer.link(dependents, prerequisites, types);
  }
}
