package io.taskq.api;

import io.taskq.auth.Permission;
import io.taskq.error.FieldError;
import io.taskq.queue.ProjectService;
import io.taskq.queue.TaskTypeName;
import io.taskq.workflow.WorkflowNames;
import io.taskq.workflow.WorkflowService;
import io.taskq.workflow.model.Workflow;
import io.taskq.workflow.model.WorkflowDefinition;
import io.taskq.workflow.model.WorkflowSchedule;
import io.taskq.workflow.model.WorkflowStep;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Workflow definitions: POST and GET /projects/{projectId}/workflows, GET .../workflows/{name}. */
final class WorkflowRoutes {

  static final String WORKFLOWS = "/projects/(?<projectId>[^/]+)/workflows";
  static final String WORKFLOW = WORKFLOWS + "/(?<name>[^/:]+)";
  /** Definitions are larger than tasks (up to 1,000 steps each): pages are smaller than the task listing's. */
  static final int MAX_PAGE = 100;
  static final int DEFAULT_PAGE = 20;
  private static final int MAX_VERSION = 1_000_000;

  private final WorkflowService workflows;
  private final ProjectService projects;

  WorkflowRoutes(WorkflowService workflows, ProjectService projects) {
    this.workflows = workflows;
    this.projects = projects;
  }

  void mount(Router router) {
    router.postWithRegex(WORKFLOWS).handler(QueryParameters.none()).handler(this::register);
    router.getWithRegex(WORKFLOWS).handler(QueryParameters.only("name", "after", "limit")).handler(this::list);
    router.getWithRegex(WORKFLOW).handler(QueryParameters.only("version")).handler(this::get);
  }

  private <T> Future<T> inProject(long projectId, Function<Long, Future<T>> action) {
    return projects.requireExisting(projectId).compose(v -> action.apply(projectId));
  }

  private void register(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_WRITE);
    List<FieldError> errors = new ArrayList<>();
    Fields body = Fields.of(Fields.body(rc), errors);
    String name = body.string("name", true, 200);
    if (name != null && !WorkflowNames.isWorkflowName(name)) {
      body.fault("name", "name must start with a letter or digit and use only letters, digits and _ . - (no ':', '@' or '/')");
    }
    Integer version = body.integer("version", true, 1, MAX_VERSION);
    List<WorkflowStep> steps = steps(body, body.array("steps", true), errors);
    JsonObject scheduleJson = body.object("schedule", false);
    WorkflowSchedule schedule = scheduleJson == null ? null : schedule(new Fields(scheduleJson, "/schedule", null, errors));
    body.rejectUnknown();
    body.throwIfInvalid();
    WorkflowDefinition definition = new WorkflowDefinition(steps, schedule);
    inProject(project, projectId -> workflows.register(projectId, name, version, definition)).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        Responses.json(rc, ar.result().created() ? 201 : 200, representation(ar.result().workflow()));
      }
    });
  }

  /** The steps as read; faults are recorded, and an unreadable step leaves a null in its place. */
  private static List<WorkflowStep> steps(Fields body, JsonArray items, List<FieldError> errors) {
    List<WorkflowStep> steps = new ArrayList<>();
    if (items == null) {
      return steps;
    }
    if (items.isEmpty() || items.size() > WorkflowService.MAX_STEPS) {
      body.fault("steps", "steps must list 1 to " + WorkflowService.MAX_STEPS + " steps; this one has " + items.size());
      return steps;
    }
    for (int i = 0; i < items.size(); i++) {
      if (items.getValue(i) instanceof JsonObject item) {
        steps.add(step(body.item(item, "/steps/" + i, i)));
      } else {
        errors.add(FieldError.atItem(i, "/steps/" + i, "each step must be a JSON object"));
      }
    }
    return steps;
  }

  private static WorkflowStep step(Fields f) {
    String name = f.string("name", true, 100);
    if (name != null && !WorkflowNames.isStepName(name)) {
      f.fault("name", "a step name must start with a letter or digit and use only letters, digits and _ . - (at most 100)");
    }
    String type = f.string("type", true, 200);
    if (type != null && !TaskTypeName.isValid(type)) {
      f.fault("type", "type must be a task type name (letters, digits and _ . : / -)");
    }
    String typeVersion = TypeVersionField.read(f, "type_version", false);
    JsonObject params = f.storableObject("params", false);
    List<String> dependsOn = f.strings("depends_on", WorkflowService.MAX_STEPS, 100);
    String linkType = f.string("link_type", false, 32);
    if (linkType != null && !WorkflowStep.LINK_TYPES.contains(linkType)) {
      f.fault("link_type", "link_type must be one of " + String.join(", ", WorkflowStep.LINK_TYPES));
    }
    f.rejectUnknown();
    return new WorkflowStep(name, type, typeVersion, params, dependsOn, linkType);
  }

  private static WorkflowSchedule schedule(Fields f) {
    String cron = f.string("cron", true, 200);
    String timezone = f.string("timezone", false, 200);
    JsonObject params = f.storableObject("params", false);
    f.rejectUnknown();
    return new WorkflowSchedule(cron, timezone, params);
  }

  private void list(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    QueryParameters query = QueryParameters.of(rc);
    int limit = (int) TaskRoutes.queryNumber(query, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    long after = TaskRoutes.queryNumber(query, "after", 0, 0, Long.MAX_VALUE);
    String name = query.get("name");
    Responses.reply(rc, inProject(project, projectId -> workflows.list(projectId, name, after, limit + 1)), 200, found -> {
      // limit + 1 rows: the extra one only says that there is a next page.
      boolean more = found.size() > limit;
      List<Workflow> items = more ? found.subList(0, limit) : found;
      return Representations.page(items, this::representation, more ? items.get(items.size() - 1).id() : null);
    });
  }

  private void get(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    String name = rc.pathParam("name");
    QueryParameters query = QueryParameters.of(rc);
    Integer version = query.get("version") == null ? null : (int) TaskRoutes.queryNumber(query, "version", 0, 1, MAX_VERSION);
    Responses.reply(rc, inProject(project, projectId -> workflows.get(projectId, name, version)), 200, this::representation);
  }

  /** The stored definition with its defaults, and the schedule's next due time as of now. */
  private JsonObject representation(Workflow w) {
    WorkflowDefinition definition = w.definition();
    JsonArray steps = new JsonArray();
    definition.steps().forEach(step -> steps.add(step.toJson()));
    JsonObject schedule = null;
    if (definition.schedule() != null) {
      schedule = definition.schedule().toJson()
          .put("next_due_at", Representations.time(workflows.nextDueAt(definition.schedule()).orElse(null)));
    }
    return new JsonObject()
        .put("id", w.id())
        .put("project_id", w.projectId())
        .put("name", w.name())
        .put("version", w.version())
        .put("steps", steps)
        .put("schedule", schedule)
        .put("created_at", Representations.time(w.createdAt()));
  }
}
