package io.taskq.workflow;

import io.taskq.error.Conflict;
import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.taskq.error.NotFound;
import io.taskq.queue.TaskTypeService;
import io.taskq.queue.TaskTypeService.ResolvedType;
import io.taskq.store.RunStore;
import io.taskq.store.WorkflowStore;
import io.taskq.workflow.model.Workflow;
import io.taskq.workflow.model.WorkflowDefinition;
import io.taskq.workflow.model.WorkflowSchedule;
import io.taskq.workflow.model.WorkflowStep;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Registers workflow definitions and finds them. A (project, name, version) never changes once
 * registered: registering the same definition again answers the stored one, another is a
 * conflict. Step params are templates and are checked against their types' schemas only when a
 * run gives their placeholders values.
 */
public final class WorkflowService {

  private static final Logger LOG = Logger.getLogger(WorkflowService.class.getName());

  public static final int MAX_STEPS = 1000;
  /** Parsed schedules are kept by expression and zone; a registry with more distinct ones simply parses again. */
  private static final int MAX_CACHED_SCHEDULES = 1024;

  /** The workflow as stored, and whether this call created it. */
  public record Registered(Workflow workflow, boolean created) {
  }

  private final WorkflowStore store;
  private final RunStore runs;
  private final TaskTypeService types;
  private final Clock clock;
  private final Map<String, CronSchedule> schedules = new ConcurrentHashMap<>();

  public WorkflowService(WorkflowStore store, RunStore runs, TaskTypeService types, Clock clock) {
    this.store = store;
    this.runs = runs;
    this.types = types;
    this.clock = clock;
  }

  /**
   * Registers a definition whose fields are already read (names spelled right, at most
   * {@link #MAX_STEPS} steps): checks its links, cycles, schedule and types, then stores it.
   */
  public Future<Registered> register(long projectId, String name, int version, WorkflowDefinition definition) {
    DefinitionRules.Faults faults = DefinitionRules.check(definition);
    return unknownTypes(definition.steps()).compose(typeFaults -> {
      List<FieldError> errors = new ArrayList<>(faults.errors());
      errors.addAll(typeFaults);
      if (!errors.isEmpty()) {
        // Faults of steps in step order, then those of the whole (a cycle, the schedule).
        errors.sort(Comparator.comparing(e -> e.index() == null ? Integer.MAX_VALUE : e.index()));
        String detail = errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid";
        return Future.failedFuture(new Invalid(detail, errors, faults.cycle()));
      }
      return store.insertIfAbsent(projectId, name, version, definition).compose(registration -> {
        if (!registration.sameDefinition()) {
          return Future.failedFuture(new Conflict("workflow-conflict", "workflow " + name + " version " + version
              + " is already registered with a different definition; register a new version instead"));
        }
        Registered registered = new Registered(registration.workflow(), registration.created());
        return registration.created() ? recordSchedule(registration.workflow()).map(registered) : Future.succeededFuture(registered);
      });
    });
  }

  /**
   * A fault per step whose type (or that version of it) is not registered. Each distinct type is
   * looked up once, however many steps use it.
   */
  private Future<List<FieldError>> unknownTypes(List<WorkflowStep> steps) {
    Map<String, Future<Optional<ResolvedType>>> lookups = new LinkedHashMap<>();
    for (WorkflowStep step : steps) {
      lookups.computeIfAbsent(typeKey(step), k -> types.find(step.type(), step.typeVersion()));
    }
    return Future.all(new ArrayList<>(lookups.values())).map(done -> {
      List<FieldError> errors = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        WorkflowStep step = steps.get(i);
        if (lookups.get(typeKey(step)).result().isEmpty()) {
          errors.add(FieldError.atItem(i, "/steps/" + i + "/type", step.typeVersion() == null
              ? "unknown task type " + step.type() + " (or it has no active version)"
              : "task type " + step.type() + " has no version " + step.typeVersion()));
        }
      }
      return errors;
    });
  }

  private static String typeKey(WorkflowStep step) {
    return step.type() + "@" + (step.typeVersion() == null ? "" : step.typeVersion());
  }

  /** A page of the project's workflows by id, all names or one; {@code limit} rows at most. */
  public Future<List<Workflow>> list(long projectId, String name, long afterId, int limit) {
    return name == null ? store.listAfter(projectId, afterId, limit) : store.listNamedAfter(projectId, name, afterId, limit);
  }

  /** That version of the workflow, or its newest when {@code version} is null; 404 when there is none. */
  public Future<Workflow> get(long projectId, String name, Integer version) {
    if (!WorkflowNames.isWorkflowName(name)) {
      return Future.failedFuture(notFound(name, version));
    }
    Future<Optional<Workflow>> found = version == null ? store.findNewest(projectId, name) : store.find(projectId, name, version);
    return found.compose(w -> w.isPresent() ? Future.succeededFuture(w.get()) : Future.failedFuture(notFound(name, version)));
  }

  private static NotFound notFound(String name, Integer version) {
    String shown = name.codePointCount(0, name.length()) <= 40 ? name : name.substring(0, name.offsetByCodePoints(0, 40)) + "...";
    return new NotFound("workflow " + shown + (version == null ? "" : " version " + version) + " not found");
  }

  /**
   * Records when a newly registered version is next due (never, without a schedule), for the
   * leader's schedule loop (ScheduleService); the newest version of a name decides, an older one changes nothing.
   */
  private Future<Void> recordSchedule(Workflow workflow) {
    WorkflowSchedule schedule = workflow.definition().schedule();
    Instant next = schedule == null ? null : nextDueAt(schedule).orElse(null);
    return runs.recordSchedule(workflow.projectId(), workflow.name(), workflow.version(), next);
  }

  /**
   * When the schedule is next due from now: the one place that computes it. Empty when it will
   * not fire again, or when its stored expression no longer parses (logged; never a failed read).
   */
  public Optional<Instant> nextDueAt(WorkflowSchedule schedule) {
    try {
      return Optional.of(schedule(schedule).nextAfter(clock.instant()));
    } catch (IllegalArgumentException | IllegalStateException e) {
      LOG.warning("schedule " + schedule.cron() + " (" + schedule.timezone() + ") has no next due time: " + e.getMessage());
      return Optional.empty();
    }
  }

  private CronSchedule schedule(WorkflowSchedule schedule) {
    String key = schedule.timezone() + " " + schedule.cron();
    CronSchedule parsed = schedules.get(key);
    if (parsed == null) {
      parsed = CronSchedule.parse(schedule.cron(), schedule.timezone());
      if (schedules.size() >= MAX_CACHED_SCHEDULES) {
        schedules.clear();
      }
      schedules.put(key, parsed);
    }
    return parsed;
  }
}
