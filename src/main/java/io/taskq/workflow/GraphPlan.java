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
 * (and {@code parent_ref}) names an item of the request by its external id, no task depends on
 * itself, is its own parent or names one prerequisite twice, and the items' links form no cycle,
 * neither among parents nor among what waits on what (a parent that completes with its children
 * waits on each of them). Only the first of items that repeat each other is written
 * (InRequestDuplicates); a repeat's own links and parent are not applied, and a ref to it means
 * the item it repeats. Events an item waits on are kept apart from its links to tasks: they name
 * no task, and never close a cycle. Pure: the database is consulted later, for existing tasks.
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

  /**
   * An item's place in a hierarchy as the client gave it: its parent, an existing task
   * ({@code taskId}) or another item ({@code ref}, by external id), and whether it is a parent
   * that completes with its children.
   */
  public record Parent(Long taskId, String ref, boolean completesWithChildren) {

    public static final Parent NONE = new Parent(null, null, false);
  }

  private final List<List<Edge>> edgesOf;
  private final List<List<Edge>> eventsOf;
  private final boolean[] isPrerequisite;
  private final Hierarchy hierarchy;

  private GraphPlan(List<List<Edge>> edgesOf, List<List<Edge>> eventsOf, boolean[] isPrerequisite, Hierarchy hierarchy) {
    this.edgesOf = edgesOf;
    this.eventsOf = eventsOf;
    this.isPrerequisite = isPrerequisite;
    this.hierarchy = hierarchy;
  }

  /**
   * Parents of the written items: {@code parentItem[i]} the item that is i's parent (-1: none),
   * {@code parentTaskId[i]} the existing task that is (null: none), {@code completes[i]} whether
   * i completes with its children, {@code children[i]} how many written items have i as parent.
   */
  private record Hierarchy(int[] parentItem, Long[] parentTaskId, boolean[] completes, int[] children) {
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

  /** Whether a holding link of some written item names item {@code i} (a child of a parent that completes with its children does). */
  public boolean isHoldingPrerequisite(int item) {
    return isPrerequisite[item];
  }

  /** The item that is this item's parent, or -1 (none, or an existing task: {@link #parentTaskId}). */
  public int parentItem(int item) {
    return hierarchy.parentItem[item];
  }

  /** The existing task that is this item's parent (by parent_id), or null. */
  public Long parentTaskId(int item) {
    return hierarchy.parentTaskId[item];
  }

  /** Whether the item is a parent that completes with its children (never claimed). */
  public boolean completesWithChildren(int item) {
    return hierarchy.completes[item];
  }

  /** How many written items name this item as their parent. */
  public int childItems(int item) {
    return hierarchy.children[item];
  }

  /**
   * @param firstOf for each item that repeats an earlier one, the index of the item it repeats
   */
  public static GraphPlan of(List<NewTask> tasks, List<List<Prerequisite>> dependsOn, Map<Integer, Integer> firstOf,
      ItemPointers where) {
    return of(tasks, dependsOn, java.util.Collections.nCopies(tasks.size(), Parent.NONE), firstOf, where);
  }

  /**
   * @param parents each item's parent (or {@link Parent#NONE})
   * @param firstOf for each item that repeats an earlier one, the index of the item it repeats
   */
  public static GraphPlan of(List<NewTask> tasks, List<List<Prerequisite>> dependsOn, List<Parent> parents,
      Map<Integer, Integer> firstOf, ItemPointers where) {
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
    Hierarchy hierarchy = resolveParents(parents, byExternalId, firstOf, where, errors);
    for (int i = 0; i < tasks.size(); i++) {
      // Such a parent completes when the last thing holding it goes; an event's arrival is not a
      // child's completion, and would leave it blocked with nothing left to release it.
      if (hierarchy.completes[i]) {
        for (Edge e : eventsOf.get(i)) {
          errors.add(new FieldError(where.of(i) + "/depends_on/" + e.position() + "/event", where.index(i),
              "a parent that completes with its children cannot wait on an event; let one of its children wait on it"));
        }
      }
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
    for (int i = 0; i < tasks.size(); i++) {
      int parent = hierarchy.parentItem[i];
      if (parent >= 0 && hierarchy.completes[parent]) {
        isPrerequisite[i] = true;
      }
    }
    GraphPlan plan = new GraphPlan(edgesOf, eventsOf, isPrerequisite, hierarchy);
    plan.rejectParentCycles(tasks, where);
    plan.rejectCycles(tasks, where);
    return plan;
  }

  /** Resolves each written item's parent_ref to an item (the first of its repeats); faults go to {@code errors}. */
  private static Hierarchy resolveParents(List<Parent> parents, Map<String, Integer> byExternalId, Map<Integer, Integer> firstOf,
      ItemPointers where, List<FieldError> errors) {
    int n = parents.size();
    int[] parentItem = new int[n];
    Long[] parentTaskId = new Long[n];
    boolean[] completes = new boolean[n];
    int[] children = new int[n];
    java.util.Arrays.fill(parentItem, -1);
    for (int i = 0; i < n; i++) {
      Parent p = parents.get(i);
      boolean written = !firstOf.containsKey(i);
      completes[i] = written && p.completesWithChildren();
      if (p.ref() != null) {
        Integer found = byExternalId.get(p.ref());
        String pointer = where.of(i) + "/parent_ref";
        if (p.taskId() != null) {
          errors.add(new FieldError(pointer, where.index(i), "give parent_id or parent_ref, not both"));
        } else if (found == null) {
          errors.add(new FieldError(pointer, where.index(i), "parent_ref " + p.ref() + " names no item of this request (by external_id)"));
        } else if (found == firstOf.getOrDefault(i, i)) {
          errors.add(new FieldError(pointer, where.index(i), "a task cannot be its own parent"));
        } else if (written) {
          parentItem[i] = found;
          children[found]++;
        }
      } else if (written) {
        parentTaskId[i] = p.taskId();
      }
    }
    return new Hierarchy(parentItem, parentTaskId, completes, children);
  }

  /** Items named as each other's parents, round and round (each item is a child of the next). */
  private void rejectParentCycles(List<NewTask> tasks, ItemPointers where) {
    int[] parentItem = hierarchy.parentItem;
    Optional<List<Integer>> cycle = CycleFinder.firstCycle(parentItem.length,
        i -> parentItem[i] < 0 ? new int[0] : new int[] {parentItem[i]});
    if (cycle.isPresent()) {
      List<String> names = names(tasks, cycle.get());
      int first = cycle.get().get(0);
      String message = "the parents form a cycle (each is a child of the next): " + String.join(" -> ", names);
      throw new Invalid(message, List.of(new FieldError(where.of(first) + "/parent_ref", where.index(first), message)), names);
    }
  }

  private static List<String> names(List<NewTask> tasks, List<Integer> items) {
    return items.stream().map(i -> tasks.get(i).externalId() != null ? tasks.get(i).externalId() : "item " + i).toList();
  }

  /**
   * Only links between items can close a cycle: existing tasks never gain prerequisites. A parent
   * that completes with its children waits on each of them, so those count as its prerequisites
   * here (after its depends_on, so that a cycle of depends_on alone is named as before).
   */
  private void rejectCycles(List<NewTask> tasks, ItemPointers where) {
    int n = edgesOf.size();
    List<List<Integer>> childrenOf = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      childrenOf.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      int parent = hierarchy.parentItem[i];
      if (parent >= 0 && hierarchy.completes[parent]) {
        childrenOf.get(parent).add(i);
      }
    }
    int[][] targets = new int[n][];
    for (int i = 0; i < n; i++) {
      targets[i] = java.util.stream.IntStream.concat(
          edgesOf.get(i).stream().filter(Edge::toItem).mapToInt(Edge::targetItem),
          childrenOf.get(i).stream().mapToInt(Integer::intValue)).toArray();
    }
    Optional<List<Integer>> cycle = CycleFinder.firstCycle(n, i -> targets[i]);
    if (cycle.isPresent()) {
      List<Integer> items = cycle.get();
      List<String> names = names(tasks, items);
      int first = items.get(0);
      int next = items.get(1);
      boolean byDependsOn = edgesOf.get(first).stream().anyMatch(e -> e.targetItem() == next);
      // When the first waits on the next as its parent, the link to point at is the child's parent_ref.
      String pointer = byDependsOn ? where.of(first) + "/depends_on" : where.of(next) + "/parent_ref";
      Integer index = byDependsOn ? where.index(first) : where.index(next);
      throw Invalid.cycle(names, new FieldError(pointer, index, "the dependencies form a cycle: " + String.join(" -> ", names)));
    }
  }
}
