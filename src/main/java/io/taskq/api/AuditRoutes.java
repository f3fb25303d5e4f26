package io.taskq.api;

import io.taskq.auth.Permission;
import io.taskq.error.BadRequest;
import io.taskq.queue.Attempt;
import io.taskq.queue.LogFilter;
import io.taskq.queue.ProjectService;
import io.taskq.queue.TaskLog;
import io.taskq.queue.TaskService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A task's attempts, and a project's log entries across its tasks (the audit). */
final class AuditRoutes {

  static final String LOGS = "/projects/(?<projectId>[^/]+)/logs";
  private static final int MAX_ATTEMPT = Integer.MAX_VALUE;
  private static final Pattern EVENT = Pattern.compile("[a-z_]{1,64}");
  private static final int MAX_WORKER_ID = 255;
  private static final Pattern LEAP_SECOND = Pattern.compile("([0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ]23:59):60([.,0-9]*(?:[Zz]|[+-][0-9]{2}:[0-9]{2}))");


  private final TaskService tasks;
  private final ProjectService projects;

  AuditRoutes(TaskService tasks, ProjectService projects) {
    this.tasks = tasks;
    this.projects = projects;
  }

  void mount(Router router) {
    router.getWithRegex(TaskRoutes.TASK + "/attempts").handler(QueryParameters.only("after", "limit")).handler(this::attempts);
    router.getWithRegex(LOGS).handler(QueryParameters.only("event", "worker_id", "task_id", "since", "until", "after", "limit"))
        .handler(this::logs);
  }

  private void attempts(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    long taskId = PathIds.taskId(rc);
    QueryParameters query = QueryParameters.of(rc);
    int limit = (int) TaskRoutes.queryNumber(query, "limit", TaskRoutes.MAX_PAGE, 1, TaskRoutes.MAX_PAGE);
    int after = (int) TaskRoutes.queryNumber(query, "after", 0, 0, MAX_ATTEMPT);
    Responses.reply(rc, projects.requireExisting(project).compose(v -> tasks.attempts(project, taskId, after, limit + 1)), 200,
        found -> TaskRoutes.page(found, limit, AuditRoutes::attempt, Attempt::number));
  }

  private void logs(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    QueryParameters query = QueryParameters.of(rc);
    String event = query.get("event");
    if (event != null && !EVENT.matcher(event).matches()) {
      throw new BadRequest("query parameter event must be an event name such as claimed or lease_expired");
    }
    String workerId = query.get("worker_id");
    if (workerId != null && workerId.length() > MAX_WORKER_ID) {
      throw new BadRequest("query parameter worker_id must be at most " + MAX_WORKER_ID + " characters");
    }
    Long taskId = query.get("task_id") == null ? null : TaskRoutes.queryNumber(query, "task_id", 0, 1, Long.MAX_VALUE);
    Instant since = timestamp(query, "since");
    Instant until = timestamp(query, "until");
    Cursor cursor = Cursor.parse(query.get("after"));
    int limit = (int) TaskRoutes.queryNumber(query, "limit", TaskRoutes.DEFAULT_PAGE, 1, TaskRoutes.MAX_PAGE);
    LogFilter filter = new LogFilter(event, workerId, taskId, since, until, cursor == null ? null : cursor.at(),
        cursor == null ? null : cursor.id(), limit + 1);
    Responses.reply(rc, projects.requireExisting(project).compose(v -> tasks.projectLogs(project, filter)), 200, found -> {
      boolean more = found.size() > limit;
      List<TaskLog> items = more ? found.subList(0, limit) : found;
      TaskLog last = more ? items.get(items.size() - 1) : null;
      return new JsonObject().put("items", new io.vertx.core.json.JsonArray(items.stream().map(Representations::taskLog).toList()))
          .put("next_after", last == null ? null : new Cursor(last.createdAt(), last.id()).toString());
    });
  }

  /** An RFC 3339 query parameter, null when absent; 400 naming it when it is not one. */
  static Instant timestamp(QueryParameters query, String name) {
    String raw = query.get(name);
    if (raw == null) {
      return null;
    }
    // RFC 3339 allows a leap second (23:59:60), which java.time cannot parse: it is the instant
    // after second 59, so that is what it filters by.
    Matcher leap = LEAP_SECOND.matcher(raw);
    boolean leapSecond = leap.matches();
    String readable = leapSecond ? leap.group(1) + ":59" + leap.group(2) : raw;
    List<io.taskq.error.FieldError> errors = new ArrayList<>();
    Instant instant = Fields.of(new JsonObject().put(name, readable), errors).timestamp(name);
    if (instant != null && leapSecond) {
      instant = instant.plusSeconds(1);
    }
    if (!errors.isEmpty()) {
      throw new BadRequest("query parameter " + name
          + " must be an RFC 3339 timestamp with an offset in years 0001 to 9999, such as 2026-01-31T12:00:00Z");
    }
    return instant;
  }

  static JsonObject attempt(Attempt a) {
    return new JsonObject()
        .put("attempt", a.number())
        .put("worker_id", a.workerId())
        .put("lease_id", a.leaseId() == null ? null : a.leaseId().toString())
        .put("claimed_at", Representations.time(a.claimedAt()))
        .put("finished_at", Representations.time(a.finishedAt()))
        .put("duration_ms", a.durationMs())
        .put("outcome", a.outcome())
        .put("error", a.error());
  }

  /**
   * The audit's keyset, opaque to clients: the last entry's time in microseconds since the epoch
   * (PostgreSQL's precision) and its id, as "micros.id".
   */
  record Cursor(Instant at, long id) {

    static Cursor parse(String raw) {
      if (raw == null) {
        return null;
      }
      int dot = raw.indexOf('.');
      long micros = dot < 0 ? -1 : PathIds.canonical(raw.substring(0, dot));
      long id = dot < 0 ? -1 : PathIds.canonical(raw.substring(dot + 1));
      if (micros < 0 || id < 0 || micros > 253_402_300_799_999_999L) {
        throw new BadRequest("query parameter after must be the next_after of a previous page");
      }
      return new Cursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
    }

    @Override
    public String toString() {
      return ChronoUnit.MICROS.between(Instant.EPOCH, at) + "." + id;
    }
  }
}
