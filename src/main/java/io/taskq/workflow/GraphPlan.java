package io.taskq.workflow;

import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.taskq.error.PayloadTooLarge;
import io.taskq.queue.NewTask;
import io.taskq.queue.Prerequisite;
import io.taskq.queue.Prerequisite.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The links of a request's tasks, checked whole before anything is written: each {@code ref}
 * names an item of the request by its external id, no task depends on itself or names one
 * prerequisite twice, and the items' links form no cycle. Only the first of items that repeat
 * each other is written (InRequestDuplicates); a repeat's own links are not applied, and a ref to
 * it means the item it repeats. Events an item waits on are kept apart from its links to tasks:
 * they name no task, and never close a cycle. Pure: the database is consulted later, for existing tasks.
 */
public final class GraphPlan {

  /** Links of one request. */
  public static final int MAX_LINKS = 50_000;

  /**
   * One link of a written item: {@code position} in its depends_on, and the item it names when it
   * is a ref ({@code targetItem}, the first of its repeats), else -1.
   */
  public record Edge(int item, int position, Prerequisite prerequisite, int targetItem) {

    public boolean toItem() {
      return targetItem >= 0;
    }
  }

  /** Where an item's faults point: "/tasks/3" and index 3 in a bulk request, "" and no index for a single task. */
  public interface ItemPointers {
    String of(int item);

    Integer index(int item);

    ItemPointers BULK = new ItemPointers() {
      @Override
      public String of(int item) {
        return "/tasks/" + item;
      }

      @Override
      public Integer index(int item) {
        return item;
      }
    };

    ItemPointers SINGLE = new ItemPointers() {
      @Override
      public String of(int item) {
        return "";
      }

      @Override
      public Integer index(int item) {
        return null;
      }
    };
  }

  private final List<List<Edge>> edgesOf;
  private final List<List<Edge>> eventsOf;
  private final boolean[] isPrerequisite;

  private GraphPlan(List<List<Edge>> edgesOf, List<List<Edge>> eventsOf, boolean[] isPrerequisite) {
    this.edgesOf = edgesOf;
    this.eventsOf = eventsOf;
    this.isPrerequisite = isPrerequisite;
  }

  /** The links of item {@code i} to tasks (none for a repeat), in declaration order; its events are apart ({@link #eventsOf}). */
  public List<Edge> edgesOf(int item) {
    return edgesOf.get(item);
  }

  /** The events item {@code i} waits on (none for a repeat), in declaration order; distinct keys. */
  public List<Edge> eventsOf(int item) {
    return eventsOf.get(item);
  }

  /** Whether some item waits on an event. */
  public boolean waitsOnEvents() {
    return eventsOf.stream().anyMatch(events -> !events.isEmpty());
  }

  /** Whether a holding link of some written item names item {@code i}. */
  public boolean isHoldingPrerequisite(int item) {
    return isPrerequisite[item];
  }

  /**
   * @param firstOf for each item that repeats an earlier one, the index of the item it repeats
   */
  public static GraphPlan of(List<NewTask> tasks, List<List<Prerequisite>> dependsOn, Map<Integer, Integer> firstOf,
      ItemPointers where) {
    int total = dependsOn.stream().mapToInt(List::size).sum();
    if (total > MAX_LINKS) {
      throw new PayloadTooLarge("a request may make at most " + MAX_LINKS + " links; this one has " + total);
    }
    Map<String, Integer> byExternalId = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      String externalId = tasks.get(i).externalId();
      if (externalId != null) {
        byExternalId.putIfAbsent(externalId, firstOf.getOrDefault(i, i));
      }
    }
    List<FieldError> errors = new ArrayList<>();
    List<List<Edge>> edgesOf = new ArrayList<>(tasks.size());
    List<List<Edge>> eventsOf = new ArrayList<>(tasks.size());
    boolean[] isPrerequisite = new boolean[tasks.size()];
    for (int i = 0; i < tasks.size(); i++) {
      List<Edge> edges = new ArrayList<>();
      List<Edge> events = new ArrayList<>();
      Set<String> named = new HashSet<>();
      List<Prerequisite> entries = dependsOn.get(i);
      for (int k = 0; k < entries.size(); k++) {
        Prerequisite p = entries.get(k);
        String pointer = where.of(i) + "/depends_on/" + k + "/" + p.kind().field();
        int target = -1;
        if (p.kind() == Kind.REF) {
          Integer found = byExternalId.get(p.key());
          if (found == null) {
            errors.add(new FieldError(pointer, where.index(i), "ref " + p.key() + " names no item of this request (by external_id)"));
            continue;
          }
          target = found;
          if (target == firstOf.getOrDefault(i, i)) {
            errors.add(new FieldError(pointer, where.index(i), "a task cannot depend on itself"));
            continue;
          }
        }
        String identity = target >= 0 ? "item " + target : p.kind().field() + " " + (p.taskId() != null ? p.taskId() : p.key());
        if (!named.add(identity)) {
          errors.add(new FieldError(pointer, where.index(i), "depends_on names this prerequisite twice"));
          continue;
        }
        (p.kind() == Kind.EVENT ? events : edges).add(new Edge(i, k, p, target));
      }
      edgesOf.add(firstOf.containsKey(i) ? List.of() : List.copyOf(edges));
      eventsOf.add(firstOf.containsKey(i) ? List.of() : List.copyOf(events));
    }
    if (!errors.isEmpty()) {
      throw new Invalid(errors.size() == 1 ? errors.get(0).message() : errors.size() + " dependencies are invalid", errors);
    }
    for (List<Edge> edges : edgesOf) {
      for (Edge e : edges) {
        if (e.toItem() && e.prerequisite().type().holds()) {
          isPrerequisite[e.targetItem()] = true;
        }
      }
    }
    GraphPlan plan = new GraphPlan(edgesOf, eventsOf, isPrerequisite);
    plan.rejectCycles(tasks, where);
    return plan;
  }

  /** Only links between items can close a cycle: existing tasks never gain prerequisites. */
  private void rejectCycles(List<NewTask> tasks, ItemPointers where) {
    int[][] targets = new int[edgesOf.size()][];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = edgesOf.get(i).stream().filter(Edge::toItem).mapToInt(Edge::targetItem).toArray();
    }
    Optional<List<Integer>> cycle = CycleFinder.firstCycle(targets.length, i -> targets[i]);
    if (cycle.isPresent()) {
      List<Integer> items = cycle.get();
      List<String> names = items.stream().map(i -> tasks.get(i).externalId()).toList();
      int first = items.get(0);
      throw Invalid.cycle(names, new FieldError(where.of(first) + "/depends_on", where.index(first),
          "the dependencies form a cycle: " + String.join(" -> ", names)));
    }
  }
}
