package io.taskq.api;

import io.taskq.auth.Permission;
import io.taskq.error.BadRequest;
import io.taskq.error.NotFound;
import io.taskq.queue.ProjectService;
import io.taskq.queue.Task;
import io.taskq.store.RunStore.RunStats;
import io.taskq.workflow.RunService;
import io.taskq.workflow.RunService.RunView;
import io.taskq.workflow.WorkflowNames;
import io.taskq.workflow.model.WorkflowRun;
import io.taskq.workflow.model.WorkflowStep;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Workflow runs: POST .../workflows/{name}/runs, GET .../workflow-runs and .../workflow-runs/{runId},
 * POST .../workflow-runs/{runId}:cancel, GET .../workflows/{name}/stats.
 */
final class RunRoutes {

  static final String RUNS = "/projects/(?<projectId>[^/]+)/workflow-runs";
  static final String RUN = RUNS + "/(?<runId>[^/:]+)";
  static final int MAX_PAGE = 100;
  static final int DEFAULT_PAGE = 20;
  private static final Set<String> STATUSES = Set.of("running", "completed", "failed", "cancelled");

  private final RunService runs;
  private final ProjectService projects;

  RunRoutes(RunService runs, ProjectService projects) {
    this.runs = runs;
    this.projects = projects;
  }

  void mount(Router router) {
    router.postWithRegex(WorkflowRoutes.WORKFLOW + "/runs").handler(QueryParameters.none()).handler(this::start);
    router.getWithRegex(WorkflowRoutes.WORKFLOW + "/stats").handler(QueryParameters.none()).handler(this::stats);
    router.getWithRegex(RUNS).handler(QueryParameters.only("workflow", "status", "after", "limit")).handler(this::list);
    router.getWithRegex(RUN).handler(QueryParameters.none()).handler(this::get);
    router.postWithRegex(RUN + ":cancel").handler(QueryParameters.none()).handler(this::cancel);
  }

  private void start(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_WRITE);
    String workflow = rc.pathParam("name");
    Fields body = Fields.of(Fields.optionalBody(rc), new ArrayList<>());
    String runId = body.string("run_id", false, 150);
    if (runId != null && !RunService.RUN_ID.matcher(runId).matches()) {
      body.fault("run_id", "run_id must start with a letter or digit and use only letters, digits and _ . @ - (at most 150; no ':' or '/')");
    }
    Integer version = body.integer("version", false, 1, 1_000_000);
    JsonObject params = body.storableObject("params", false);
    body.rejectUnknown();
    body.throwIfInvalid();
    if (!WorkflowNames.isWorkflowName(workflow)) {
      throw new NotFound("workflow " + workflow + " not found");
    }
    JsonObject given = params == null ? new JsonObject() : params;
    projects.requireExisting(project)
        .compose(v -> runs.start(project, workflow, version, runId, given, null))
        .onComplete(ar -> {
          if (ar.failed()) {
            rc.fail(ar.cause());
          } else {
            Responses.json(rc, ar.result().created() ? 201 : 200, view(new RunView(ar.result().run(), ar.result().tasks())));
          }
        });
  }

  private void get(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    String runId = runIdOf(rc);
    Responses.reply(rc, projects.requireExisting(project).compose(v -> runs.get(project, runId)), 200, RunRoutes::view);
  }

  /** The run id of the path; one spelled as no run id can be names nothing (404), like an id in another script. */
  private static String runIdOf(RoutingContext rc) {
    String runId = rc.pathParam("runId");
    if (runId == null || !RunService.RUN_ID.matcher(runId).matches()) {
      throw new NotFound("workflow run not found: no run id is spelled like that");
    }
    return runId;
  }

  private void list(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    QueryParameters query = QueryParameters.of(rc);
    String status = query.get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw new BadRequest("query parameter status must be one of running, completed, failed, cancelled");
    }
    String workflow = query.get("workflow");
    int limit = (int) TaskRoutes.queryNumber(query, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    long after = TaskRoutes.queryNumber(query, "after", 0, 0, Long.MAX_VALUE);
    Responses.reply(rc, projects.requireExisting(project).compose(v -> runs.list(project, workflow, status, after, limit + 1)),
        200, found -> TaskRoutes.page(found, limit, RunRoutes::summary, WorkflowRun::id));
  }

  private void cancel(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_WRITE);
    String runId = runIdOf(rc);
    Fields body = Fields.of(Fields.optionalBody(rc), new ArrayList<>());
    body.rejectUnknown();
    body.throwIfInvalid();
    Responses.reply(rc, projects.requireExisting(project).compose(v -> runs.cancel(project, runId)), 200,
        n -> new JsonObject().put("run_id", runId).put("cancelled", n));
  }

  private void stats(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    String workflow = rc.pathParam("name");
    Responses.reply(rc, projects.requireExisting(project).compose(v -> runs.stats(project, workflow)), 200,
        s -> stats(workflow, s));
  }

  private static JsonObject stats(String workflow, RunStats s) {
    long finished = s.completed() + s.failed() + s.cancelled();
    return new JsonObject()
        .put("workflow", workflow)
        .put("runs", new JsonObject().put("running", s.running()).put("completed", s.completed()).put("failed", s.failed())
            .put("cancelled", s.cancelled()))
        .put("finished_considered", finished)
        .put("success_rate", finished == 0 ? null : (double) s.completed() / finished)
        .put("duration_p50_seconds", s.p50Seconds())
        .put("duration_p95_seconds", s.p95Seconds());
  }

  /** A run without its tasks, as listings show it. */
  static JsonObject summary(WorkflowRun r) {
    JsonObject counts = new JsonObject();
    r.counts().forEach(counts::put);
    return new JsonObject()
        .put("run_id", r.runId())
        .put("workflow", r.workflow())
        .put("version", r.version())
        .put("status", r.status())
        .put("params", r.params())
        .put("counts", counts)
        .put("created_at", Representations.time(r.createdAt()))
        .put("started_at", Representations.time(r.startedAt()))
        .put("finished_at", Representations.time(r.finishedAt()))
        .put("scheduled_for", Representations.time(r.scheduledFor()));
  }

  /** A run with its tasks, each with its step and the steps it depends on: enough to draw the graph. */
  static JsonObject view(RunView v) {
    Map<String, WorkflowStep> steps = new HashMap<>();
    v.run().definition().steps().forEach(s -> steps.put(RunService.externalId(v.run().runId(), s.name()), s));
    JsonArray tasks = new JsonArray();
    for (Task t : v.tasks()) {
      WorkflowStep step = steps.get(t.externalId());
      JsonArray dependsOn = new JsonArray();
      if (step != null) {
        step.dependsOn().forEach(d -> dependsOn.add(new JsonObject().put("step", d).put("link_type", step.linkType())));
      }
      tasks.add(new JsonObject().put("step", step == null ? null : step.name()).put("depends_on", dependsOn)
          .put("task", Representations.task(t)));
    }
    return summary(v.run()).put("tasks", tasks);
  }
}
