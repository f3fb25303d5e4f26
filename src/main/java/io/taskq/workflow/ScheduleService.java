package io.taskq.workflow;

import io.taskq.store.RunStore;
import io.taskq.store.RunStore.DueSchedule;
import io.taskq.workflow.model.Workflow;
import io.taskq.workflow.model.WorkflowSchedule;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the runs of scheduled workflows when they are due. A due schedule starts the run of its
 * most recent occurrence at or before now (after downtime, older missed occurrences are skipped),
 * with the id {@code <name>@<occurrence>}, then moves on to the next occurrence after now.
 * Exactly once across instances comes from the run id, unique in the project: an instance that
 * starts an occurrence another already started gets that run back and creates nothing, and a
 * crash between the start and the move is repaired by the next tick the same way.
 */
public final class ScheduleService {

  private static final Logger LOG = Logger.getLogger(ScheduleService.class.getName());
  /** Due schedules taken per tick. */
  public static final int BATCH = 20;
  /** The occurrence in a run id: ISO 8601 basic format in UTC (no ':', which run ids do not take). */
  private static final DateTimeFormatter OCCURRENCE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final RunStore runs;
  private final RunService runService;
  private final Clock clock;

  public ScheduleService(RunStore runs, RunService runService, Clock clock) {
    this.runs = runs;
    this.runService = runService;
    this.clock = clock;
  }

  /** The run id of a workflow's scheduled occurrence. */
  public static String runId(String workflow, Instant occurrence) {
    return workflow + "@" + OCCURRENCE.format(occurrence);
  }

  /** Starts the runs of the schedules due now, one after another; answers how many schedules were due. */
  public Future<Integer> startDue() {
    Instant now = clock.instant();
    return runs.dueSchedules(now, BATCH).compose(due -> startEach(due, 0, now).map(v -> due.size()));
  }

  private Future<Void> startEach(List<DueSchedule> due, int i, Instant now) {
    if (i == due.size()) {
      return Future.succeededFuture();
    }
    return start(due.get(i), now)
        .recover(failure -> {
          LOG.log(Level.WARNING, "the scheduled run of workflow " + due.get(i).workflow().name() + " failed to start; "
              + "its next occurrence is still taken: " + failure.getMessage());
          return runs.advanceSchedule(due.get(i).workflow().projectId(), due.get(i).workflow().name(), due.get(i).dueAt(),
              nextAfter(due.get(i).workflow().definition().schedule(), now).orElse(null)).mapEmpty();
        })
        .compose(v -> startEach(due, i + 1, now));
  }

  private Future<Void> start(DueSchedule due, Instant now) {
    Workflow w = due.workflow();
    WorkflowSchedule schedule = w.definition().schedule();
    if (schedule == null) { // a stale row: the version it names has no schedule
      return runs.advanceSchedule(w.projectId(), w.name(), due.dueAt(), null).mapEmpty();
    }
    CronSchedule cron = CronSchedule.parse(schedule.cron(), schedule.timezone());
    Instant occurrence = cron.latestAtOrBefore(now).filter(t -> !t.isBefore(due.dueAt())).orElse(due.dueAt());
    return runService.start(w.projectId(), w.name(), w.version(), runId(w.name(), occurrence), schedule.params(), occurrence)
        .compose(started -> runs.advanceSchedule(w.projectId(), w.name(), due.dueAt(), cron.nextAfter(now)))
        .mapEmpty();
  }

  private static Optional<Instant> nextAfter(WorkflowSchedule schedule, Instant t) {
    try {
      return Optional.of(CronSchedule.parse(schedule.cron(), schedule.timezone()).nextAfter(t));
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Optional.empty();
    }
  }
}
