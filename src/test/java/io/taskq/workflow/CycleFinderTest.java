package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CycleFinderTest {

  private static Optional<List<Integer>> cycle(int[]... prerequisites) {
    return CycleFinder.firstCycle(prerequisites.length, i -> prerequisites[i]);
  }

  @Test
  void anAcyclicGraphHasNoCycle() {
    assertEquals(Optional.empty(), cycle(new int[] {1, 2}, new int[] {2}, new int[] {}));
    assertEquals(Optional.empty(), CycleFinder.firstCycle(0, i -> new int[0]));
  }

  @Test
  void theCycleListsEachNodeBeforeTheOneItDependsOnAndClosesOnItsStart() {
    // 0 depends on 2, 2 on 1, 1 on 0.
    assertEquals(Optional.of(List.of(0, 2, 1, 0)), cycle(new int[] {2}, new int[] {0}, new int[] {1}));
  }

  @Test
  void aCycleBelowAnAcyclicEntryStartsWhereItCloses() {
    // 0 -> 1 -> 2 -> 3 -> 1: the cycle is 1, 2, 3, 1; 0 only leads into it.
    assertEquals(Optional.of(List.of(1, 2, 3, 1)), cycle(new int[] {1}, new int[] {2}, new int[] {3}, new int[] {1}));
  }

  @Test
  void nodesAreTriedInIndexOrderAndEdgesInDeclarationOrder() {
    // Two cycles: 1 <-> 2 and 3 <-> 4. Node 0 reaches 3 first by declaration order.
    int[][] graph = {new int[] {3, 1}, new int[] {2}, new int[] {1}, new int[] {4}, new int[] {3}};
    assertEquals(Optional.of(List.of(3, 4, 3)), cycle(graph));
    int[][] swapped = {new int[] {1, 3}, new int[] {2}, new int[] {1}, new int[] {4}, new int[] {3}};
    assertEquals(Optional.of(List.of(1, 2, 1)), cycle(swapped));
  }

  @Test
  void aSelfLinkIsACycleOfOneNode() {
    assertEquals(Optional.of(List.of(1, 1)), cycle(new int[] {}, new int[] {1}));
  }

  @Test
  void anExploredDiamondIsNotMistakenForACycle() {
    // 0 -> 1 -> 3, 0 -> 2 -> 3: node 3 is met twice, but never on the current path.
    assertEquals(Optional.empty(), cycle(new int[] {1, 2}, new int[] {3}, new int[] {3}, new int[] {}));
  }

  @Test
  void nullPrerequisitesCountAsNone() {
    assertEquals(Optional.empty(), CycleFinder.firstCycle(3, i -> i == 0 ? new int[] {1} : null));
  }

  @Test
  void aPrerequisiteOutsideTheGraphIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> cycle(new int[] {5}));
    assertThrows(IllegalArgumentException.class, () -> cycle(new int[] {-1}));
  }

  @Test
  void aChainOfTenThousandNeedsNoDeepStack() {
    int n = 10_000;
    assertEquals(Optional.empty(), CycleFinder.firstCycle(n, i -> i + 1 < n ? new int[] {i + 1} : new int[0]));
    // Closed at the end: the cycle is the whole chain, in order.
    Optional<List<Integer>> closed = CycleFinder.firstCycle(n, i -> new int[] {(i + 1) % n});
    assertTrue(closed.isPresent());
    assertEquals(n + 1, closed.get().size());
    assertEquals(0, closed.get().get(0));
    assertEquals(n - 1, closed.get().get(n - 1));
    assertEquals(0, closed.get().get(n));
  }

  @Test
  void fiftyThousandEdgesOfARandomDagHaveNoCycleAndOneBackEdgeMakesOne() {
    int n = 10_000;
    Random random = new Random(12);
    List<List<Integer>> prerequisites = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      prerequisites.add(new ArrayList<>());
    }
    // Edges only from a lower index to a higher one: acyclic by construction.
    for (int e = 0; e < 50_000; e++) {
      int a = random.nextInt(n - 1);
      int b = a + 1 + random.nextInt(n - a - 1);
      prerequisites.get(a).add(b);
    }
    for (int i = 0; i + 1 < n; i++) {
      prerequisites.get(i).add(i + 1); // one long path too, so the search goes 10,000 deep
    }
    assertEquals(Optional.empty(), CycleFinder.firstCycle(n, i -> toArray(prerequisites.get(i))));
    prerequisites.get(n - 1).add(0);
    List<Integer> cycle = CycleFinder.firstCycle(n, i -> toArray(prerequisites.get(i))).orElseThrow();
    assertEquals(cycle.get(0), cycle.get(cycle.size() - 1));
    for (int k = 0; k + 1 < cycle.size(); k++) {
      assertTrue(prerequisites.get(cycle.get(k)).contains(cycle.get(k + 1)), "each depends on the next: " + k);
    }
  }

  private static int[] toArray(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
