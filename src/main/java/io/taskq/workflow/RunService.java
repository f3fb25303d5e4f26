package io.taskq.workflow;

import io.taskq.error.Conflict;
import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.taskq.error.NotFound;
import io.taskq.metrics.Meters;
import io.taskq.queue.LinkType;
import io.taskq.queue.Prerequisite;
import io.taskq.queue.Task;
import io.taskq.queue.TaskDraft;
import io.taskq.queue.TaskService;
import io.taskq.store.RunStore;
import io.taskq.store.RunStore.RunStats;
import io.taskq.workflow.model.Workflow;
import io.taskq.workflow.model.WorkflowRun;
import io.taskq.workflow.model.WorkflowStep;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Runs of workflows: starting one (its tasks written in one transaction, their external ids
 * {@code <run_id>:<step>:0}), reading one with its tasks, listing, cancelling, the statistics
 * of a workflow's recent runs, and recording runs that ended.
 */
public final class RunService {

  /**
   * A run id: no ':' (it separates the run id from the step in task external ids) and no '/'
   * (it sits in paths), at most 150 characters so that external ids stay within 255.
   */
  public static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,149}");

  /** A run with its tasks, and whether this call started it. */
  public record Started(WorkflowRun run, List<Task> tasks, boolean created) {
  }

  /** A run with its tasks, by id. */
  public record RunView(WorkflowRun run, List<Task> tasks) {
  }

  private final WorkflowService workflows;
  private final TaskService tasks;
  private final GraphService graphs;
  private final RunStore runs;
  private final Meters meters;

  public RunService(WorkflowService workflows, TaskService tasks, GraphService graphs, RunStore runs, Meters meters) {
    this.workflows = workflows;
    this.tasks = tasks;
    this.graphs = graphs;
    this.runs = runs;
    this.meters = meters;
  }

  /**
   * Starts a run of the workflow (that version, or the newest), unless a run with this id
   * exists: then answers that run (a run id of another workflow is a conflict). Each step's
   * params are its template filled from {@code params}, checked against the step's type.
   */
  public Future<Started> start(long projectId, String workflow, Integer version, String runId, JsonObject params,
      Instant scheduledFor) {
    String id = runId != null ? runId : UUID.randomUUID().toString();
    return runs.find(projectId, id).compose(existing -> {
      if (existing.isPresent()) {
        return sameWorkflow(existing.get(), workflow).compose(run -> view(run).map(v -> new Started(v.run(), v.tasks(), false)));
      }
      return workflows.get(projectId, workflow, version).compose(w -> {
        List<TaskDraft> drafts = drafts(w, id, params);
        return tasks.checkAll(drafts)
            .recover(fault -> Future.failedFuture(fault instanceof Invalid invalid ? namingSteps(invalid, w) : fault))
            .compose(checked -> graphs.startRun(projectId, w.id(), id, params, scheduledFor, drafts, checked))
            // Empty: a concurrent start of the same run id won; answer its run, as a repeat is answered.
            .compose(outcome -> runs.find(projectId, id)
                .compose(run -> sameWorkflow(run.orElseThrow(), workflow))
                .compose(this::view)
                .map(v -> new Started(v.run(), v.tasks(), outcome.isPresent())));
      });
    });
  }

  private static Future<WorkflowRun> sameWorkflow(WorkflowRun run, String workflow) {
    return run.workflow().equals(workflow) ? Future.succeededFuture(run)
        : Future.failedFuture(new Conflict("run-id-taken", "run id " + run.runId() + " is a run of workflow " + run.workflow()));
  }

  /** The tasks of a run: each step's params filled in, its depends_on made refs to the other steps' tasks. */
  private static List<TaskDraft> drafts(Workflow workflow, String runId, JsonObject params) {
    List<TaskDraft> drafts = new ArrayList<>();
    List<FieldError> errors = new ArrayList<>();
    for (WorkflowStep step : workflow.definition().steps()) {
      List<String> missing = new ArrayList<>();
      Object filled = ParamTemplate.apply(step.params(), params, missing);
      missing.forEach(name -> errors.add(FieldError.at("/params", "step " + step.name() + " needs the run parameter " + name)));
      LinkType type = LinkType.fromWire(step.linkType()).orElse(LinkType.REQUIRES);
      List<Prerequisite> dependsOn = step.dependsOn().stream()
          .map(d -> new Prerequisite(Prerequisite.Kind.REF, null, externalId(runId, d), type)).toList();
      drafts.add(new TaskDraft(step.type(), step.typeVersion(), step.name(), null, (JsonObject) filled, null,
          externalId(runId, step.name()), null, false, null, null, null, dependsOn));
    }
    if (!errors.isEmpty()) {
      throw new Invalid(errors.size() == 1 ? errors.get(0).message() : errors.size() + " run parameters are missing", errors);
    }
    return drafts;
  }

  /** The external id of a step's task in a run (":0": the first attempt of the step; room for re-runs of a step later). */
  public static String externalId(String runId, String step) {
    return runId + ":" + step + ":0";
  }

  /** A step's params that its type refuses: the fault is the run's params, named by step. */
  private static Invalid namingSteps(Invalid invalid, Workflow workflow) {
    List<FieldError> errors = new ArrayList<>();
    for (FieldError e : invalid.errors()) {
      String step = e.index() == null ? "?" : workflow.definition().steps().get(e.index()).name();
      String where = e.pointer() == null ? "" : e.pointer().replaceFirst("^/tasks/\\d+", "");
      errors.add(FieldError.at("/params", "step " + step + (where.isEmpty() ? "" : " (" + where + ")") + ": " + e.message()));
    }
    return new Invalid(errors.size() == 1 ? errors.get(0).message() : errors.size() + " steps have invalid params", errors);
  }

  public Future<RunView> get(long projectId, String runId) {
    return runs.find(projectId, runId).compose(run -> run.isPresent() ? view(run.get())
        : Future.failedFuture(new NotFound("workflow run " + shown(runId) + " not found")));
  }

  private Future<RunView> view(WorkflowRun run) {
    return runs.tasksOf(run.id()).map(list -> new RunView(run, list));
  }

  public Future<List<WorkflowRun>> list(long projectId, String workflow, String status, long afterId, int limit) {
    return runs.list(projectId, workflow, status, afterId, limit);
  }

  /** Cancels every unfinished task of the run in one statement; answers how many. */
  public Future<Integer> cancel(long projectId, String runId) {
    return runs.find(projectId, runId).compose(run -> run.isPresent() ? tasks.cancelRun(projectId, run.get().id())
        : Future.failedFuture(new NotFound("workflow run " + shown(runId) + " not found")));
  }

  public Future<RunStats> stats(long projectId, String workflow) {
    return workflows.get(projectId, workflow, null).compose(w -> runs.stats(projectId, workflow));
  }

  /** Records the runs that ended since the last call (the leader's job); answers how many. */
  public Future<Integer> recordFinished(int limit) {
    return runs.finalizeFinished(limit).map(finished -> {
      finished.forEach(r -> meters.runFinished(r.projectId(), r.workflow(), r.status(), Duration.between(r.createdAt(), r.finishedAt())));
      return finished.size();
    });
  }

  private static String shown(String raw) {
    return raw.codePointCount(0, raw.length()) <= 40 ? raw : raw.substring(0, raw.offsetByCodePoints(0, 40)) + "...";
  }
}
