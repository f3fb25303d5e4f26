package io.taskq.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every metric taskq defines itself (HTTP and pool metrics come from Vert.x). Labels are
 * bounded: project id and task type, never a task id.
 *
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><th>name</th><th>labels</th><th>meaning</th></tr>
 *   <tr><td>taskq_tasks_enqueued_total</td><td>project, type</td><td>tasks created (not counting duplicates answered with the existing task)</td></tr>
 *   <tr><td>taskq_tasks_claimed_total</td><td>project, type</td><td>tasks handed to a worker</td></tr>
 *   <tr><td>taskq_tasks_completed_total</td><td>project, type</td><td>tasks completed</td></tr>
 *   <tr><td>taskq_tasks_failed_total</td><td>project, type, final</td><td>failed attempts; final="true" when the task failed for good</td></tr>
 *   <tr><td>taskq_tasks_expired_total</td><td>project, type</td><td>leases that lapsed and were swept</td></tr>
 * </table>
 */
public final class Meters {

  /** Not "taskq.tasks.created": OpenMetrics reserves the _created suffix, and the Prometheus registry strips it. */
  public static final String CREATED = "taskq.tasks.enqueued";
  public static final String CLAIMED = "taskq.tasks.claimed";
  public static final String COMPLETED = "taskq.tasks.completed";
  public static final String FAILED = "taskq.tasks.failed";
  public static final String EXPIRED = "taskq.tasks.expired";
  public static final String RETRIED = "taskq.tasks.retried";
  public static final String DELETED = "taskq.tasks.deleted";
  public static final String RATE_LIMITED = "taskq.rate.limited.requests";
  public static final String LIVE_TASKS = "taskq.tasks";
  public static final String OLDEST_CLAIMABLE = "taskq.oldest.claimable.task.age";
  public static final String LONG_POLL_WAKEUPS = "taskq.long.poll.wakeups";

  private final MeterRegistry registry;

  public Meters(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void created(long projectId, String type, int count) {
    counter(CREATED, projectId, type, "tasks created").increment(count);
  }

  public void claimed(long projectId, String type) {
    counter(CLAIMED, projectId, type, "tasks handed to a worker").increment();
  }

  public void completed(long projectId, String type) {
    counter(COMPLETED, projectId, type, "tasks completed").increment();
  }

  public void failed(long projectId, String type, boolean last) {
    Counter.builder(FAILED).description("failed attempts; final=true when the task failed for good")
        .tag("project", Long.toString(projectId)).tag("type", type).tag("final", Boolean.toString(last))
        .register(registry).increment();
  }

  public void expired(long projectId, String type) {
    counter(EXPIRED, projectId, type, "leases that lapsed and were swept").increment();
  }

  public void retried(long projectId, String type) {
    counter(RETRIED, projectId, type, "failed attempts sent back to the queue for another attempt").increment();
  }

  public void retained(int deleted) {
    Counter.builder(DELETED).description("finished tasks deleted by retention").register(registry).increment(deleted);
  }

  public void rateLimited() {
    Counter.builder(RATE_LIMITED).description("requests refused with 429 by a key's rate limit").register(registry).increment();
  }

  public void longPollWakeup() {
    Counter.builder(LONG_POLL_WAKEUPS).description("times waiting claims were woken to look again").register(registry).increment();
  }

  private Counter counter(String name, long projectId, String type, String description) {
    return Counter.builder(name).description(description)
        .tag("project", Long.toString(projectId)).tag("type", type)
        .register(registry);
  }
}
