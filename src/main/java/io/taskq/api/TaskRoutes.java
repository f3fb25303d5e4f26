package io.taskq.api;

import io.taskq.auth.Permission;
import io.taskq.error.BadRequest;
import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.taskq.error.PayloadTooLarge;
import io.taskq.queue.Completion;
import io.taskq.queue.AttemptFailure;
import io.taskq.queue.BulkOutcome;
import io.taskq.queue.DuplicateStrategy;
import io.taskq.queue.Prerequisite;
import io.taskq.queue.ProjectService;
import io.taskq.queue.RankedTask;
import io.taskq.queue.Task;
import io.taskq.queue.TaskDraft;
import io.taskq.queue.TaskFilter;
import io.taskq.queue.TaskSearch;
import io.taskq.queue.TaskService;
import io.taskq.queue.TaskStatus;
import io.taskq.queue.TaskTypeName;
import io.taskq.workflow.GraphService;
import io.taskq.worker.WorkerSightings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Everything under /projects/{projectId}/tasks. */
final class TaskRoutes {

  static final int MAX_BULK = 10_000;
  static final int MAX_CLAIM = 100;
  static final int MAX_BATCH_CHANGES = 1000;
  static final int MAX_WAIT_MS = 20_000;
  static final int MAX_PAGE = 1000;
  static final int DEFAULT_PAGE = 100;
  /** A search text longer than this is not a search a person typed. */
  static final int MAX_SEARCH_TEXT = 1000;
  private static final int MAX_ERROR_LENGTH = 65_536;

  /** Paths with a custom method (":claim"): regexes, because a ':' in a plain Vert.x path starts a parameter. */
  static final String TASKS = "/projects/(?<projectId>[^/]+)/tasks";
  static final String TASK = TASKS + "/(?<taskId>[^/:]+)";

  private final TaskService tasks;
  private final GraphService graphs;
  private final ProjectService projects;
  private final WorkerSightings sightings;

  TaskRoutes(TaskService tasks, GraphService graphs, ProjectService projects, WorkerSightings sightings) {
    this.sightings = sightings;
    this.tasks = tasks;
    this.graphs = graphs;
    this.projects = projects;
  }

  void mount(Router router) {
    Handler<RoutingContext> none = QueryParameters.none();
    // The router tries each route's regular expression in turn: the hot operations (create, claim,
    // complete one) come first. No two of these routes match the same method and path, so the
    // order changes nothing else.
    router.postWithRegex(TASKS).handler(none).handler(this::create);
    router.postWithRegex(TASKS + ":claim").handler(none).handler(this::claim);
    router.postWithRegex(TASK + ":complete").handler(none).handler(this::complete);
    router.getWithRegex(TASKS).handler(QueryParameters.only("status", "type", "external_id", "worker_id", "parent_id", "after",
            "limit", "q", "cursor", "run_id", "created_after", "created_before", "priority_min", MetadataFields.NAME))
        .handler(this::list);
    router.postWithRegex(TASKS + ":bulk").handler(none).handler(this::createAll);
    router.postWithRegex(TASKS + ":complete").handler(none).handler(this::completeAll);
    router.postWithRegex(TASKS + ":cancel").handler(none).handler(this::cancelMatching);
    router.postWithRegex(TASKS + ":fail").handler(none).handler(this::failAll);
    router.getWithRegex(TASK).handler(none).handler(this::get);
    router.patchWithRegex(TASK).handler(none).handler(this::update);
    router.getWithRegex(TASK + "/logs").handler(QueryParameters.only("after", "limit")).handler(this::logs);
    router.postWithRegex(TASK + ":heartbeat").handler(none).handler(this::heartbeat);
    router.postWithRegex(TASK + ":fail").handler(none).handler(this::fail);
    router.postWithRegex(TASK + ":cancel").handler(none).handler(this::cancel);
    router.postWithRegex(TASK + ":retry").handler(none).handler(this::retry);
  }

  /** The project of the path, once the key is known to reach it with this permission (403 comes before 422). */
  static long authorize(RoutingContext rc, Permission permission) {
    long projectId = PathIds.projectId(rc);
    Access.requireProject(rc, projectId, permission);
    return projectId;
  }

  /** Runs the action once the project is known to exist. */
  private <T> Future<T> inProject(long projectId, Function<Long, Future<T>> action) {
    return projects.requireExisting(projectId).compose(v -> action.apply(projectId));
  }

  private void create(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_WRITE);
    List<FieldError> errors = new ArrayList<>();
    TaskDraft draft = draft(Fields.of(Fields.body(rc), errors));
    inProject(project, projectId -> draft.hasLinks() ? graphs.create(projectId, draft) : tasks.create(projectId, draft))
        .onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        Responses.json(rc, ar.result().created() ? 201 : 200, TaskJson.task(ar.result().task()));
      }
    });
  }

  /** Its turn in {@link Admission} has come and its body is read: see {@link DeferredBodies}. */
  private void createAll(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_WRITE);
    Runnable ended = DeferredBodies.working(rc);
    Future<BulkOutcome> answer;
    try {
      answer = createAll(rc, project);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(ar -> ended.run());
    Responses.replyEncoded(rc, answer, 201, TaskJson::bulkOutcome);
  }

  private Future<BulkOutcome> createAll(RoutingContext rc, long project) {
    List<FieldError> errors = new ArrayList<>();
    Fields body = Fields.of(Fields.body(rc), errors);
    JsonArray items = body.array("tasks", true);
    String strategyName = body.string("duplicate_strategy", false, 64);
    DuplicateStrategy strategy = DuplicateStrategy.EXTERNAL_ID;
    if (strategyName != null) {
      strategy = DuplicateStrategy.fromWire(strategyName).orElse(null);
      if (strategy == null) {
        body.fault("duplicate_strategy", "duplicate_strategy must be one of "
            + Arrays.stream(DuplicateStrategy.values()).map(DuplicateStrategy::wireName).collect(Collectors.joining(", ")));
      }
    }
    body.rejectUnknown();
    body.throwIfInvalid();
    if (items.size() > MAX_BULK) {
      throw new PayloadTooLarge("a bulk request takes at most " + MAX_BULK + " tasks; this one has " + items.size());
    }
    if (items.isEmpty()) {
      throw Invalid.of("/tasks", "tasks must list at least one task");
    }
    List<TaskDraft> drafts = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      Object item = items.getValue(i);
      if (item instanceof JsonObject object) {
        drafts.add(draftFields(body.item(object, "/tasks/" + i, i)));
      } else {
        errors.add(FieldError.atItem(i, "/tasks/" + i, "each task must be a JSON object"));
        drafts.add(null);
      }
    }
    DuplicateStrategy chosen = strategy;
    if (!errors.isEmpty()) {
      // Some items are unreadable: still check the others against their types, so that the
      // answer lists every bad item at once.
      List<TaskDraft> readable = new ArrayList<>(drafts);
      errors.stream().map(FieldError::index).forEach(i -> readable.set(i, null));
      return inProject(project, projectId -> tasks.faultsOf(readable).compose(more -> {
        errors.addAll(more);
        return Future.failedFuture(TaskService.invalidItems(errors, items.size()));
      }));
    }
    boolean linked = drafts.stream().anyMatch(TaskDraft::hasLinks);
    return inProject(project, projectId -> linked ? graphs.createAll(projectId, drafts, chosen) : tasks.createAll(projectId, drafts, chosen));
  }

  private static TaskDraft draft(Fields body) {
    TaskDraft draft = draftFields(body);
    body.throwIfInvalid();
    return draft;
  }

  /**
   * Reads one task's fields; faults are recorded in {@code body}, not thrown. Without a type the
   * task is untyped (the original dashboard's tasks). The original clients' spellings are read
   * too: {@code priority_score} for priority, and {@code status} "open" or "pending", which both
   * mean what a new task is anyway (pending, or blocked while it waits on its depends_on).
   */
  private static TaskDraft draftFields(Fields f) {
    String type = f.optionalNonEmpty("type", 200);
    String typeVersion = TypeVersionField.read(f, "type_version", false);
    String title = f.string("title", false, 1000);
    String description = f.string("description", false, 100_000);
    JsonObject params = f.storableObject("params", false);
    Integer priority = f.integer("priority", false, Integer.MIN_VALUE, Integer.MAX_VALUE);
    Integer priorityScore = f.integer("priority_score", false, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (priority != null && priorityScore != null) {
      f.fault("priority_score", "give priority or priority_score (the same field under its original name), not both");
    } else if (priority == null) {
      priority = priorityScore;
    }
    Object status = f.any("status");
    if (status != null && !"open".equals(status) && !"pending".equals(status)) {
      f.fault("status", "status may only be \"open\" or \"pending\" on create (both make a pending task)");
    }
    String externalId = f.optionalNonEmpty("external_id", 255);
    String milestoneId = f.optionalNonEmpty("milestone_id", 255);
    boolean dedupe = f.bool("dedupe", false);
    String dedupeKey = f.optionalNonEmpty("dedupe_key", 255);
    if (dedupe && dedupeKey != null) {
      f.fault("dedupe_key", "give dedupe_key or \"dedupe\": true, not both");
    }
    java.time.Instant runAt = f.timestamp("run_at");
    Integer maxAttempts = f.integer("max_attempts", false, 1, 1000);
    List<Prerequisite> dependsOn = DependsOnFields.read(f);
    ParentFields parent = ParentFields.read(f);
    JsonObject metadata = MetadataFields.read(f);
    f.rejectUnknown();
    return new TaskDraft(type, typeVersion, title, description, params == null ? new JsonObject() : params,
        priority, externalId, milestoneId, dedupe, dedupeKey, runAt, maxAttempts, dependsOn, parent.parentId(), parent.parentRef(),
        parent.completeWhenChildrenDone(), metadata);
  }

  private void list(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_READ);
    QueryParameters query = QueryParameters.of(rc);
    TaskStatus status = null;
    String rawStatus = query.get("status");
    if (rawStatus != null) {
      status = TaskStatus.fromWire(rawStatus).orElseThrow(() -> new BadRequest("query parameter status must be one of "
          + Arrays.stream(TaskStatus.values()).map(TaskStatus::wireName).collect(Collectors.joining(", "))));
    }
    int limit = (int) queryNumber(query, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    long after = queryNumber(query, "after", 0, 0, Long.MAX_VALUE);
    Long parentId = query.get("parent_id") == null ? null : queryNumber(query, "parent_id", 0, 1, Long.MAX_VALUE);
    TaskFilter filter = new TaskFilter(status, query.get("type"), query.get("external_id"), query.get("worker_id"), after, limit + 1,
        parentId, ListingFilters.runId(query), AuditRoutes.timestamp(query, "created_after"),
        AuditRoutes.timestamp(query, "created_before"), ListingFilters.priorityMin(query),
        MetadataFields.containment(query.get(MetadataFields.NAME)));
    String text = query.get("q");
    if (text != null) {
      search(rc, project, filter, text, limit);
      return;
    }
    if (query.get("cursor") != null) {
      throw new BadRequest("query parameter cursor continues a search: give it with the same q");
    }
    Responses.reply(rc, inProject(project, projectId -> tasks.list(projectId, filter)), 200,
        found -> page(found, limit, Representations::task, Task::id));
  }

  /**
   * A search page: ranked, so paged by the opaque {@code next} (rank and id); {@code after} keeps
   * its meaning of a filter (only greater ids) but pages nothing.
   */
  private void search(RoutingContext rc, long project, TaskFilter filter, String text, int limit) {
    QueryParameters query = QueryParameters.of(rc);
    if (text.codePointCount(0, text.length()) > MAX_SEARCH_TEXT) {
      throw new BadRequest("query parameter q must be at most " + MAX_SEARCH_TEXT + " characters");
    }
    TaskSearch search = new TaskSearch(text, SearchCursor.decode(query.get("cursor")));
    Responses.reply(rc, inProject(project, projectId -> tasks.search(projectId, filter, search)), 200, found -> {
      boolean more = found.size() > limit;
      List<RankedTask> items = more ? found.subList(0, limit) : found;
      RankedTask last = more ? items.get(items.size() - 1) : null;
      return Representations.page(items.stream().map(RankedTask::task).toList(), Representations::task, null)
          .put("next", last == null ? null : SearchCursor.encode(new TaskSearch.Position(last.rank(), last.task().id())));
    });
  }

  private void get(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_READ);
    long taskId = PathIds.taskId(rc);
    Responses.replyEncoded(rc, inProject(project, projectId -> tasks.get(projectId, taskId)), 200, TaskJson::task);
  }

  /** Changes fields of a pending or blocked task; answers it as changed. */
  private void update(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_WRITE);
    long taskId = PathIds.taskId(rc);
    io.taskq.queue.TaskChanges changes = TaskChangeFields.read(Fields.of(Fields.body(rc), new ArrayList<>()));
    Responses.replyEncoded(rc, inProject(project, projectId -> tasks.update(projectId, taskId, changes)), 200, TaskJson::task);
  }

  private void logs(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_READ);
    long taskId = PathIds.taskId(rc);
    QueryParameters query = QueryParameters.of(rc);
    int limit = (int) queryNumber(query, "limit", MAX_PAGE, 1, MAX_PAGE);
    long after = queryNumber(query, "after", 0, 0, Long.MAX_VALUE);
    Responses.reply(rc, inProject(project, projectId -> tasks.logs(projectId, taskId, after, limit + 1)),
        200, found -> page(found, limit, Representations::taskLog, io.taskq.queue.TaskLog::id));
  }

  /** A page from {@code limit + 1} rows: the extra row only says that there is a next page. */
  static <T> JsonObject page(List<T> rows, int limit, java.util.function.Function<T, JsonObject> render,
      java.util.function.ToLongFunction<T> id) {
    boolean more = rows.size() > limit;
    List<T> items = more ? rows.subList(0, limit) : rows;
    return Representations.page(items, render, more ? id.applyAsLong(items.get(items.size() - 1)) : null);
  }

  private void claim(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_CLAIM);
    List<FieldError> errors = new ArrayList<>();
    Fields body = Fields.of(Fields.body(rc), errors);
    String workerId = body.name("worker_id", true, 255);
    List<String> types = body.strings("types", 100, 200);
    for (int i = 0; types != null && i < types.size(); i++) {
      if (!TaskTypeName.isValid(types.get(i))) {
        errors.add(FieldError.at("/types/" + i, "types entries must be task type names (letters, digits and _ . : / -)"));
      }
    }
    Integer limit = body.integer("limit", false, 1, MAX_CLAIM);
    Integer leaseSeconds = body.integer("lease_seconds", false, 1, 86_400);
    Integer waitMs = body.integer("wait_ms", false, 0, MAX_WAIT_MS);
    body.rejectUnknown();
    body.throwIfInvalid();
    Duration wait = Duration.ofMillis(waitMs == null ? 0 : waitMs);
    sightings.seen(project, workerId); // a claim that finds nothing changes no row: only this records the worker alive
    if (!wait.isZero()) {
      Overload.leaveWhileWaiting(rc);
    }
    Responses.replyEncoded(rc, inProject(project, projectId -> tasks.claim(projectId, workerId, types == null ? List.of() : types,
            limit == null ? 1 : limit, leaseSeconds, wait)),
        200, TaskJson::claimedTasks);
  }

  private void heartbeat(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_CLAIM);
    long taskId = PathIds.taskId(rc);
    Fields body = Fields.of(Fields.body(rc), new ArrayList<>());
    UUID leaseId = body.uuid("lease_id", true);
    Integer leaseSeconds = body.integer("lease_seconds", false, 1, 86_400);
    body.rejectUnknown();
    body.throwIfInvalid();
    leaseAction(rc, () -> inProject(project, projectId -> tasks.heartbeat(projectId, taskId, leaseId, leaseSeconds)));
  }

  private void complete(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_CLAIM);
    long taskId = PathIds.taskId(rc);
    Fields body = Fields.of(Fields.body(rc), new ArrayList<>());
    UUID leaseId = body.uuid("lease_id", true);
    Object result = body.storableJson("result");
    body.rejectUnknown();
    body.throwIfInvalid();
    leaseAction(rc, () -> inProject(project, projectId -> tasks.complete(projectId, taskId, leaseId, result)));
  }

  private void fail(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_CLAIM);
    long taskId = PathIds.taskId(rc);
    Fields body = Fields.of(Fields.body(rc), new ArrayList<>());
    UUID leaseId = body.uuid("lease_id", true);
    String error = body.string("error", true, MAX_ERROR_LENGTH);
    boolean retryable = body.bool("retryable", true);
    body.rejectUnknown();
    body.throwIfInvalid();
    leaseAction(rc, () -> inProject(project, projectId -> tasks.fail(projectId, taskId, leaseId, error, retryable)));
  }

  /**
   * Up to 1,000 completions, each under its own lease, in one statement (shared with other
   * requests' completions of the project that wait with them); one result per item, in order. An
   * item that cannot be read is answered invalid in its slot; the others still run.
   */
  private void completeAll(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_CLAIM);
    BatchItems<Completion> items = forEachItem(rc, "completions", (item, id) -> {
      UUID leaseId = item.uuid("lease_id", true);
      Object result = item.storableJson("result");
      return new Completion(project, id, leaseId, result);
    });
    Responses.reply(rc, inProject(project, p -> tasks.completeAll(items.runnable())), 200, items::results);
  }

  /**
   * Up to 1,000 failed attempts, each under its own lease, in one statement (shared with other
   * requests' failures of the project that wait with them); one result per item, in order.
   */
  private void failAll(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_CLAIM);
    BatchItems<AttemptFailure> items = forEachItem(rc, "failures", (item, id) -> {
      UUID leaseId = item.uuid("lease_id", true);
      String error = item.string("error", true, MAX_ERROR_LENGTH);
      boolean retryable = item.bool("retryable", true);
      return new AttemptFailure(project, id, leaseId, error, retryable);
    });
    Responses.reply(rc, inProject(project, p -> tasks.failAll(items.runnable())), 200, items::results);
  }

  /** Reads the array {@code name} of 1..MAX_BATCH_CHANGES items; only a fault of the body's shape fails the whole request. */
  private static <T> BatchItems<T> forEachItem(RoutingContext rc, String name, BatchItems.Reader<T> reader) {
    return BatchItems.read(Fields.of(Fields.body(rc), new ArrayList<>()), name, MAX_BATCH_CHANGES, reader);
  }

  /** Lease holders see their lease in the answer, as they did in the claim. */
  private static void leaseAction(RoutingContext rc, Supplier<Future<Task>> action) {
    Responses.replyEncoded(rc, action.get(), 200, TaskJson::claimedTask);
  }

  private void cancel(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_WRITE);
    long taskId = PathIds.taskId(rc);
    emptyBodyOnly(rc);
    Responses.replyEncoded(rc, inProject(project, projectId -> tasks.cancel(projectId, taskId)), 200, TaskJson::task);
  }

  /** Cancels every live task matching a filter, in one statement. */
  private void cancelMatching(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_WRITE);
    Fields body = Fields.of(Fields.body(rc), new ArrayList<>());
    String type = body.name("type", false, 200);
    String prefix = body.optionalNonEmpty("external_id_prefix", 255);
    String rawStatus = body.string("status", false, 32);
    List<TaskStatus> statuses = List.of(TaskStatus.PENDING, TaskStatus.CLAIMED, TaskStatus.BLOCKED);
    if (rawStatus != null) {
      TaskStatus status = TaskStatus.fromWire(rawStatus).filter(statuses::contains).orElse(null);
      if (status == null) {
        body.fault("status", "status must be pending, claimed or blocked: only live tasks can be cancelled");
      } else {
        statuses = List.of(status);
      }
    }
    body.rejectUnknown();
    body.throwIfInvalid();
    List<TaskStatus> chosen = statuses;
    Responses.reply(rc, inProject(project, p -> tasks.cancelMatching(p, chosen, type, prefix)), 200,
        n -> new JsonObject().put("cancelled", n));
  }

  private void retry(RoutingContext rc) {
    long project = authorize(rc, Permission.TASKS_WRITE);
    long taskId = PathIds.taskId(rc);
    emptyBodyOnly(rc);
    Responses.replyEncoded(rc, inProject(project, projectId -> tasks.retry(projectId, taskId)), 200, TaskJson::task);
  }

  /** Actions without parameters take no body, {@code null}, or an empty JSON object. */
  private static void emptyBodyOnly(RoutingContext rc) {
    Fields body = Fields.of(Fields.optionalBody(rc), new ArrayList<>());
    body.rejectUnknown();
    body.throwIfInvalid();
  }

  /** A whole number in canonical ASCII decimal (no sign, no leading zero): one spelling per cursor. */
  static long queryNumber(QueryParameters query, String name, long fallback, long min, long max) {
    String raw = query.get(name);
    if (raw == null) {
      return fallback;
    }
    long value = PathIds.canonical(raw);
    if (value < min || value > max) {
      throw new BadRequest("query parameter " + name + " must be a whole number from " + min + " to " + max
          + ", in plain decimal digits");
    }
    return value;
  }
}
