package io.taskq.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every broken promise the fuzz saw, grouped by what was broken, for which operation and input
 * class, and at which status, with one example request and answer per group: a whole run's
 * findings in one report rather than the first one alone.
 */
final class FuzzFindings {

  /** One group: how many times, and the first example. */
  private static final class Group {
    int count;
    String example;
  }

  private final long seed;
  private final Map<String, Group> groups = new TreeMap<>();
  private int total;

  FuzzFindings(long seed) {
    this.seed = seed;
  }

  void add(String promise, FuzzCase c, int status, String detail) {
    String key = promise + " | " + c.operation() + " | " + c.inputClass() + " | " + status;
    Group group = groups.computeIfAbsent(key, k -> new Group());
    group.count++;
    total++;
    if (group.example == null) {
      group.example = "      input: " + c.label() + "\n      request: " + c.describe() + "\n      " + detail;
    }
  }

  boolean isEmpty() {
    return groups.isEmpty();
  }

  int total() {
    return total;
  }

  /** How many groups each promise has, for the summary line. */
  Map<String, Integer> byPromise() {
    Map<String, Integer> out = new LinkedHashMap<>();
    groups.keySet().forEach(k -> out.merge(k.substring(0, k.indexOf(" | ")), 1, Integer::sum));
    return out;
  }

  String report() {
    List<String> lines = new ArrayList<>();
    lines.add(total + " broken promises in " + groups.size() + " groups (seed " + seed + "; replay with -Dtaskq.fuzz.seed="
        + seed + "):");
    lines.add("  by promise: " + byPromise());
    groups.forEach((key, group) -> {
      lines.add("  " + key + "  x" + group.count);
      lines.add(group.example);
    });
    return String.join("\n", lines);
  }
}
