package io.taskq.store;

import io.taskq.queue.Task;
import io.taskq.workflow.model.Workflow;
import io.taskq.workflow.model.WorkflowRun;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Workflow runs (started in the graph transaction of their tasks, see DependencyStore.GraphWriter) and schedules. */
public interface RunStore {

  /** A run that just ended: its workflow, how, and how long it took. */
  record FinishedRun(long projectId, String workflow, String status, Instant createdAt, Instant finishedAt) {
  }

  /** Finished runs by status over the most recent 1,000, percentiles of their duration (null without any), and unfinished runs. */
  record RunStats(long running, long completed, long failed, long cancelled, Double p50Seconds, Double p95Seconds) {
  }

  /** A schedule that is due: the workflow version it belongs to, and the due time seen. */
  record DueSchedule(Workflow workflow, Instant dueAt) {
  }

  Future<Optional<WorkflowRun>> find(long projectId, String runId);

  /** The tasks of a run (by its internal id), by id. */
  Future<List<Task>> tasksOf(long runId);

  /** A keyset page of a project's runs; null filters do not filter. */
  Future<List<WorkflowRun>> list(long projectId, String workflow, String status, long afterId, int limit);

  /** Records the end of up to {@code limit} runs that have no live task left; answers them. */
  Future<List<FinishedRun>> finalizeFinished(int limit);

  Future<RunStats> stats(long projectId, String workflow);

  /** The schedule of a newly registered version (null next time: none); an older version changes nothing. */
  Future<Void> recordSchedule(long projectId, String name, int version, Instant nextDueAt);

  Future<List<DueSchedule>> dueSchedules(Instant now, int limit);

  /** Moves a schedule from {@code seen} to {@code next}; false when someone else already moved it. */
  Future<Boolean> advanceSchedule(long projectId, String name, Instant seen, Instant next);
}
