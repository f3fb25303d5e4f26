package io.taskq.workflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Finds a cycle in a directed graph of nodes 0..n-1. Iterative (a chain of 10,000 would overflow
 * a recursive walk's stack), visiting nodes in index order and edges in declaration order, so the
 * answer is the same for the same input.
 */
public final class CycleFinder {

  private CycleFinder() {
  }

  /**
   * The first cycle found, as nodes each depending on the next, the first repeated at the end
   * ([0, 2, 1, 0]: 0 depends on 2, 2 on 1, 1 on 0); empty when the graph is acyclic.
   */
  public static Optional<List<Integer>> firstCycle(int n, IntFunction<int[]> prerequisitesOf) {
    byte[] colour = new byte[n]; // 0 unvisited, 1 on the current path, 2 done
    int[] nextEdge = new int[n];
    int[] path = new int[n];
    for (int root = 0; root < n; root++) {
      if (colour[root] != 0) {
        continue;
      }
      int depth = 0;
      path[depth++] = root;
      colour[root] = 1;
      while (depth > 0) {
        int node = path[depth - 1];
        int[] edges = prerequisitesOf.apply(node);
        if (nextEdge[node] < edges.length) {
          int next = edges[nextEdge[node]++];
          if (colour[next] == 1) {
            List<Integer> cycle = new ArrayList<>();
            int from = depth - 1;
            while (path[from] != next) {
              from--;
            }
            for (int i = from; i < depth; i++) {
              cycle.add(path[i]);
            }
            cycle.add(next);
            return Optional.of(Collections.unmodifiableList(cycle));
          }
          if (colour[next] == 0) {
            colour[next] = 1;
            path[depth++] = next;
          }
        } else {
          colour[node] = 2;
          depth--;
        }
      }
    }
    return Optional.empty();
  }
}
