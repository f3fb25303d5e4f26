package io.taskq.api;

import io.taskq.auth.Permission;
import io.taskq.error.BadRequest;
import io.taskq.error.NotFound;
import io.taskq.queue.ProjectService;
import io.taskq.worker.HeldLease;
import io.taskq.worker.ReleasedLease;
import io.taskq.worker.WorkerService;
import io.taskq.worker.WorkerStats;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Everything under /projects/{projectId}/workers: what taskq knows of each worker id, and all of a worker's leases at once. */
final class WorkerRoutes {

  static final String WORKERS = "/projects/(?<projectId>[^/]+)/workers";
  /** A ':' or '/' in a worker id is sent percent-encoded (%3A, %2F), as in any path segment. */
  static final String WORKER = WORKERS + "/(?<workerId>[^/:]+)";
  /** As long as a claim's worker_id may be. */
  static final int MAX_WORKER_ID = 255;

  private final WorkerService workers;
  private final ProjectService projects;

  WorkerRoutes(WorkerService workers, ProjectService projects) {
    this.workers = workers;
    this.projects = projects;
  }

  void mount(Router router) {
    router.getWithRegex(WORKERS).handler(QueryParameters.only("active", "after", "limit")).handler(this::list);
    router.getWithRegex(WORKER).handler(QueryParameters.none()).handler(this::get);
    router.postWithRegex(WORKER + ":heartbeat").handler(QueryParameters.none()).handler(this::heartbeat);
    router.postWithRegex(WORKER + ":release").handler(QueryParameters.none()).handler(this::release);
  }

  private <T> Future<T> inProject(long projectId, Function<Long, Future<T>> action) {
    return projects.requireExisting(projectId).compose(v -> action.apply(projectId));
  }

  private void list(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    QueryParameters query = QueryParameters.of(rc);
    int limit = (int) TaskRoutes.queryNumber(query, "limit", TaskRoutes.DEFAULT_PAGE, 1, TaskRoutes.MAX_PAGE);
    String after = query.get("after");
    Boolean active = activeFilter(query.get("active"));
    Responses.reply(rc, inProject(project, projectId -> workers.list(projectId, after, active, limit + 1)), 200, found -> {
      // limit + 1 rows: the extra one only says that there is a next page.
      boolean more = found.size() > limit;
      List<WorkerStats> items = more ? found.subList(0, limit) : found;
      return new JsonObject().put("items", Representations.list(items, WorkerRoutes::representation))
          .put("next_after", more ? items.get(items.size() - 1).workerId() : null);
    });
  }

  private static Boolean activeFilter(String raw) {
    if (raw == null) {
      return null;
    }
    return switch (raw) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new BadRequest("query parameter active must be true or false");
    };
  }

  private void get(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    String workerId = workerId(rc);
    Responses.reply(rc, inProject(project, projectId -> workers.get(projectId, workerId)), 200, WorkerRoutes::representation);
  }

  private void heartbeat(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_CLAIM);
    String workerId = workerId(rc);
    Fields body = Fields.of(Fields.optionalBody(rc), new ArrayList<>());
    Integer leaseSeconds = body.integer("lease_seconds", false, 1, 86_400);
    body.rejectUnknown();
    body.throwIfInvalid();
    Responses.reply(rc, inProject(project, projectId -> workers.heartbeat(projectId, workerId, leaseSeconds)), 200,
        leases -> new JsonObject().put("worker_id", workerId)
            .put("leases", Representations.list(leases, WorkerRoutes::lease)));
  }

  private void release(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_CLAIM);
    String workerId = workerId(rc);
    Fields body = Fields.of(Fields.optionalBody(rc), new ArrayList<>());
    body.rejectUnknown();
    body.throwIfInvalid();
    Responses.reply(rc, inProject(project, projectId -> workers.release(projectId, workerId)), 200,
        released -> new JsonObject().put("worker_id", workerId)
            .put("released", Representations.list(released, WorkerRoutes::released)));
  }

  /** A worker id as a claim's worker_id may be (1-255 characters, not blank, no U+0000); any other cannot have been seen: 404. */
  private static String workerId(RoutingContext rc) {
    String raw = rc.pathParam("workerId");
    if (raw == null || raw.isEmpty() || raw.codePointCount(0, raw.length()) > MAX_WORKER_ID || raw.indexOf('\u0000') >= 0
        || raw.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
            || Character.getType(c) == Character.FORMAT)) {
      throw new NotFound("worker not found: a worker id is 1 to " + MAX_WORKER_ID + " characters, not all blank");
    }
    return raw;
  }

  static JsonObject representation(WorkerStats w) {
    return new JsonObject()
        .put("project_id", w.projectId())
        .put("worker_id", w.workerId())
        .put("active", w.active())
        .put("first_seen_at", Representations.time(w.firstSeenAt()))
        .put("last_seen_at", Representations.time(w.lastSeenAt()))
        .put("leases_held", w.leasesHeld())
        .put("claimed", w.claimed())
        .put("completed", w.completed())
        .put("failed", w.failed())
        .put("expired", w.expired())
        .put("released", w.released())
        .put("success_rate", w.successRate())
        .put("avg_processing_ms", w.avgProcessingMs());
  }

  private static JsonObject lease(HeldLease lease) {
    return new JsonObject().put("task_id", lease.taskId()).put("lease_id", lease.leaseId().toString())
        .put("lease_expires_at", Representations.time(lease.leaseExpiresAt()));
  }

  private static JsonObject released(ReleasedLease lease) {
    return new JsonObject().put("task_id", lease.taskId()).put("status", lease.status().wireName())
        .put("cascaded", lease.cascaded());
  }
}
