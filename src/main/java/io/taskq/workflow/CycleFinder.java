package io.taskq.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Finds a cycle in a dependency graph: the steps of a workflow, the items of a bulk request.
 * A depth-first search with an explicit stack, not recursion: a 10,000-long chain would need
 * 10,000 Java frames, beyond a default thread stack. Nodes are visited in index order and each
 * node's prerequisites in declaration order, so the same graph always answers the same cycle.
 */
public final class CycleFinder {

  private static final byte UNSEEN = 0;
  /** On the current path: meeting one again closes a cycle. */
  private static final byte ON_PATH = 1;
  /** Fully explored: no cycle passes through it. */
  private static final byte DONE = 2;

  private CycleFinder() {
  }

  /**
   * The first cycle among nodes {@code 0..n-1}, where {@code prerequisitesOf(i)} lists the
   * nodes that i depends on. The answer lists node indices, each depending on the next, the
   * first equal to the last ({@code [0, 2, 1, 0]}: 0 depends on 2, 2 on 1, 1 on 0); a node that
   * depends on itself answers {@code [i, i]}. Empty when the graph is acyclic.
   *
   * @throws IllegalArgumentException for a prerequisite outside {@code 0..n-1}
   */
  public static Optional<List<Integer>> firstCycle(int n, IntFunction<int[]> prerequisitesOf) {
    byte[] state = new byte[n];
    // The path from the current root: its nodes, each one's prerequisites, and how far through them the search is.
    int[] path = new int[n];
    int[][] edges = new int[n][];
    int[] next = new int[n];
    int[] depthOf = new int[n];
    for (int root = 0; root < n; root++) {
      if (state[root] != UNSEEN) {
        continue;
      }
      int top = 0;
      enter(root, 0, state, path, edges, next, depthOf, prerequisitesOf);
      while (top >= 0) {
        int node = path[top];
        int[] prerequisites = edges[top];
        if (next[top] == prerequisites.length) {
          state[node] = DONE;
          edges[top] = null;
          top--;
          continue;
        }
        int prerequisite = prerequisites[next[top]++];
        if (prerequisite < 0 || prerequisite >= n) {
          throw new IllegalArgumentException("node " + node + " depends on " + prerequisite + ", which is not a node of 0.." + (n - 1));
        }
        if (state[prerequisite] == ON_PATH) {
          List<Integer> cycle = new ArrayList<>(top - depthOf[prerequisite] + 2);
          for (int d = depthOf[prerequisite]; d <= top; d++) {
            cycle.add(path[d]);
          }
          cycle.add(prerequisite);
          return Optional.of(cycle);
        }
        if (state[prerequisite] == UNSEEN) {
          top++;
          enter(prerequisite, top, state, path, edges, next, depthOf, prerequisitesOf);
        }
      }
    }
    return Optional.empty();
  }

  private static void enter(int node, int depth, byte[] state, int[] path, int[][] edges, int[] next, int[] depthOf,
      IntFunction<int[]> prerequisitesOf) {
    int[] prerequisites = prerequisitesOf.apply(node);
    state[node] = ON_PATH;
    path[depth] = node;
    edges[depth] = prerequisites == null ? new int[0] : prerequisites;
    next[depth] = 0;
    depthOf[node] = depth;
  }
}
