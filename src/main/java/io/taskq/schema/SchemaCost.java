package io.taskq.schema;

import io.taskq.error.FieldError;
import io.taskq.schema.SchemaGraph.Edge;
import io.taskq.schema.SchemaGraph.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What checking params against a schema can cost, worked out before any params are seen. The
 * validator recurses once per subschema it applies, on the event loop: a cycle of in-place
 * references (one that never descends into a property or item) recurses until the stack
 * overflows, and references shared by several keywords multiply the work. A recursive schema
 * that descends (a tree: {@code items: {"$ref": "#"}}) is fine: its cost grows with how deeply
 * the params nest, so such a schema gets a nesting limit for its params instead.
 */
final class SchemaCost {

  /** Nesting levels of params the costs are computed for; deeper params are refused when they would cost more. */
  static final int MAX_PARAMS_DEPTH = 256;
  /** A recursive schema must be able to check params at least this deep, or it is refused at registration. */
  static final int MIN_PARAMS_DEPTH = 32;
  /** Subschema evaluations for one params value: a few milliseconds of one event loop. */
  static final long MAX_EVALUATIONS = 10_000;
  /** Subschemas evaluated inside one another; the validator fails with a stack overflow at about 2,400 on a 1 MB stack. */
  static final int MAX_NESTED_EVALUATIONS = 1_000;

  /** Unlimited nesting: deeper params cost no more than the deepest the schema describes. */
  static final int ANY_DEPTH = Integer.MAX_VALUE;

  /**
   * @param paramsDepthLimit how deeply params may nest to be checked against this schema ({@link #ANY_DEPTH} for no limit)
   * @param faults why the schema cannot be used, empty when it can
   */
  record Verdict(int paramsDepthLimit, List<FieldError> faults) {
  }

  private SchemaCost() {
  }

  static Verdict of(SchemaGraph graph, String errorPointer) {
    List<Node> order = new ArrayList<>();
    FieldError cycle = inPlaceOrder(graph.root(), order, errorPointer);
    if (cycle != null) {
      return new Verdict(0, List.of(cycle));
    }
    Map<Node, Integer> index = new IdentityHashMap<>();
    for (Node node : order) {
      index.put(node, index.size());
    }
    int root = index.get(graph.root());
    long[] previousCount = new long[order.size()];
    int[] previousDepth = new int[order.size()];
    for (int depth = 0; depth <= MAX_PARAMS_DEPTH; depth++) {
      long[] count = new long[order.size()];
      int[] nesting = new int[order.size()];
      // In-place targets come before their sources in this order, so their costs at this depth are known.
      for (int i = 0; i < order.size(); i++) {
        Node node = order.get(i);
        long c = 1;
        int n = 0;
        for (Edge edge : node.inPlace) {
          int t = index.get(edge.target());
          c += count[t];
          n = Math.max(n, nesting[t]);
        }
        if (depth > 0) {
          for (Edge edge : node.nested) {
            int t = index.get(edge.target());
            c += previousCount[t];
            n = Math.max(n, previousDepth[t]);
          }
        }
        count[i] = Math.min(c, MAX_EVALUATIONS + 1);
        nesting[i] = Math.min(n + 1, MAX_NESTED_EVALUATIONS + 1);
      }
      if (count[root] > MAX_EVALUATIONS || nesting[root] > MAX_NESTED_EVALUATIONS) {
        return tooCostly(depth - 1, errorPointer);
      }
      if (depth > 0 && Arrays.equals(count, previousCount) && Arrays.equals(nesting, previousDepth)) {
        return new Verdict(ANY_DEPTH, List.of());
      }
      previousCount = count;
      previousDepth = nesting;
    }
    return new Verdict(MAX_PARAMS_DEPTH, List.of());
  }

  private static Verdict tooCostly(int deepestAffordable, String errorPointer) {
    if (deepestAffordable >= MIN_PARAMS_DEPTH) {
      return new Verdict(deepestAffordable, List.of());
    }
    String message = deepestAffordable < 0
        ? "is too large to check params against: one value would need more than " + MAX_EVALUATIONS
            + " subschema evaluations, or more than " + MAX_NESTED_EVALUATIONS + " nested inside one another"
        : "its references multiply the work with each level the params nest: params nested " + MIN_PARAMS_DEPTH
            + " levels deep would need more than " + MAX_EVALUATIONS + " subschema evaluations, or more than "
            + MAX_NESTED_EVALUATIONS + " nested inside one another";
    return new Verdict(0, List.of(FieldError.at(errorPointer, message)));
  }

  /**
   * The subschemas reachable from the root, each after the ones it applies in place; or the
   * first in-place cycle, reported at the reference that closes it.
   */
  private static FieldError inPlaceOrder(Node root, List<Node> order, String errorPointer) {
    Map<Node, Boolean> finished = new IdentityHashMap<>();
    Deque<Node> reachable = new ArrayDeque<>();
    reachable.push(root);
    Map<Node, Boolean> seen = new IdentityHashMap<>();
    seen.put(root, true);
    int scanned = 0;
    while (!reachable.isEmpty()) {
      Node start = reachable.pop();
      if (!finished.containsKey(start)) {
        FieldError cycle = visit(start, finished, order, errorPointer);
        if (cycle != null) {
          return cycle;
        }
      }
      for (; scanned < order.size(); scanned++) {
        for (Edge edge : order.get(scanned).nested) {
          if (seen.put(edge.target(), true) == null) {
            reachable.push(edge.target());
          }
        }
      }
    }
    return null;
  }

  /** Depth-first over in-place edges without recursion (chains of references can be long). */
  private static FieldError visit(Node start, Map<Node, Boolean> finished, List<Node> order, String errorPointer) {
    Map<Node, Boolean> onPath = new IdentityHashMap<>();
    Deque<Node> path = new ArrayDeque<>();
    Deque<Integer> next = new ArrayDeque<>();
    path.push(start);
    next.push(0);
    onPath.put(start, true);
    while (!path.isEmpty()) {
      Node node = path.peek();
      int i = next.pop();
      if (i < node.inPlace.size()) {
        next.push(i + 1);
        Edge edge = node.inPlace.get(i);
        Node target = edge.target();
        if (onPath.containsKey(target)) {
          return FieldError.at(errorPointer + edge.via(), "leads back to a schema it is part of without descending into a"
              + " property or item: checking params against it would never end");
        }
        if (!finished.containsKey(target)) {
          path.push(target);
          next.push(0);
          onPath.put(target, true);
        }
      } else {
        path.pop();
        onPath.remove(node);
        finished.put(node, true);
        order.add(node);
      }
    }
    return null;
  }
}
