package io.taskq.api;

import io.taskq.auth.Permission;
import io.taskq.queue.ProjectService;
import io.taskq.queue.TaskStatus;
import io.taskq.stats.GroupCount;
import io.taskq.stats.MinuteThroughput;
import io.taskq.stats.ProjectStats;
import io.taskq.stats.StatsService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** GET /projects/{projectId}/stats: a project's counts, attempts, oldest claimable tasks and throughput. */
final class StatsRoutes {

  static final String STATS = "/projects/(?<projectId>[^/]+)/stats";
  /** Untyped tasks sort first, under a key no type name can take. */
  private static final String UNTYPED = "";

  private final StatsService stats;
  private final ProjectService projects;

  StatsRoutes(StatsService stats, ProjectService projects) {
    this.stats = stats;
    this.projects = projects;
  }

  void mount(Router router) {
    router.getWithRegex(STATS).handler(QueryParameters.none()).handler(this::stats);
  }

  private void stats(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    Responses.reply(rc, projects.requireExisting(project).compose(v -> stats.project(project)), 200,
        found -> representation(project, found));
  }

  static JsonObject representation(long project, ProjectStats stats) {
    Tally all = new Tally();
    Map<String, Tally> byType = new TreeMap<>();
    for (GroupCount group : stats.groups()) {
      all.add(group);
      byType.computeIfAbsent(group.type() == null ? UNTYPED : group.type(), t -> new Tally()).add(group);
    }
    // A type whose tasks all left pending after the counts were read has no count left but may still be probed.
    stats.oldestClaimableSeconds().keySet().forEach(type -> byType.computeIfAbsent(type == null ? UNTYPED : type, t -> new Tally()));
    JsonArray types = new JsonArray();
    Double oldestOfAll = null;
    for (Map.Entry<String, Tally> entry : byType.entrySet()) {
      String type = entry.getKey().equals(UNTYPED) ? null : entry.getKey();
      Double oldest = stats.oldestClaimableSeconds().get(type);
      if (oldest != null && (oldestOfAll == null || oldest > oldestOfAll)) {
        oldestOfAll = oldest;
      }
      types.add(entry.getValue().json().put("type", type).put("oldest_claimable_age_seconds", seconds(oldest)));
    }
    JsonArray minutes = new JsonArray();
    stats.throughput().stream().sorted(Comparator.comparing(MinuteThroughput::minute)).forEach(m -> minutes.add(new JsonObject()
        .put("minute", Representations.time(m.minute()))
        .put("created", m.created())
        .put("claimed", m.claimed())
        .put("completed", m.completed())
        .put("failed", m.failed())));
    return new JsonObject().put("project_id", project).mergeIn(all.json())
        .put("oldest_claimable_age_seconds", seconds(oldestOfAll))
        .put("by_type", types)
        .put("throughput", minutes);
  }

  /** Milliseconds are all a dashboard needs, and the JSON stays short. */
  private static Double seconds(Double seconds) {
    return seconds == null ? null : Math.max(0, Math.round(seconds * 1000) / 1000.0);
  }

  /** Counts by status (every status, zeros included) and attempts of a set of groups. */
  private static final class Tally {
    private final long[] byStatus = new long[TaskStatus.values().length];
    private long total;
    private long attemptsSum;
    private int maxAttempts;

    void add(GroupCount group) {
      byStatus[TaskStatus.of(group.status()).ordinal()] += group.tasks();
      total += group.tasks();
      attemptsSum += group.tasks() * group.attempts();
      if (group.tasks() > 0) {
        maxAttempts = Math.max(maxAttempts, group.attempts());
      }
    }

    JsonObject json() {
      JsonObject counts = new JsonObject();
      for (TaskStatus status : List.of(TaskStatus.values())) {
        counts.put(status.wireName(), byStatus[status.ordinal()]);
      }
      double average = total == 0 ? 0 : Math.round(attemptsSum * 1000.0 / total) / 1000.0;
      return new JsonObject().put("total", total).put("by_status", counts)
          .put("attempts", new JsonObject().put("average", average).put("max", maxAttempts));
    }
  }
}
