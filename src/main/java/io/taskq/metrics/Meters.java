package io.taskq.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Every metric taskq defines itself but the HTTP server's ({@link HttpServerMeters}); the connection
 * pool's and the SQL client's come from Vert.x;
 * the README lists them all. Labels are bounded: project id, task type ("" for untyped tasks), status, never a task id.
 * Gauges of live tasks are published by the leader only (see MaintenanceJobs).
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
  public static final String CLAIM_LATENCY = "taskq.claim.latency";
  public static final String QUEUE_WAIT = "taskq.queue.wait";
  public static final String LIVE_TASKS = "taskq.tasks";
  public static final String OLDEST_CLAIMABLE = "taskq.oldest.claimable.task.age";
  public static final String LONG_POLL_WAKEUPS = "taskq.long.poll.wakeups";
  public static final String BULK_WAITING = "taskq.bulk.requests.waiting";
  public static final String SHED = "taskq.shed.requests";
  public static final String IN_FLIGHT = "taskq.requests.in.flight";
  public static final String RELEASED = "taskq.tasks.released";
  public static final String CASCADE_CANCELLED = "taskq.tasks.cascade.cancelled";
  public static final String RUNS = "taskq.workflow.runs";
  public static final String RUN_DURATION = "taskq.workflow.run.duration";
  public static final String LEADER = "taskq.leader";

  private final MeterRegistry registry;
  /**
   * Meters of the hot path, kept once registered: building and registering a meter per event
   * (a builder, its tags, and the registry's look-up) cost more than the increment itself.
   * Keys are bounded like the labels (project, type, flag).
   */
  private final ConcurrentMap<Key, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();

  public Meters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The label set of a cached meter: its name, project, type label and one flag. */
  private record Key(String name, long projectId, String type, boolean flag) {
    Key {
      Objects.requireNonNull(name);
      Objects.requireNonNull(type);
    }
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
    failedCounter(projectId, type, last).increment();
  }

  private Counter failedCounter(long projectId, String type, boolean last) {
    return counters.computeIfAbsent(new Key(FAILED, projectId, typeLabel(type), last), k ->
        Counter.builder(FAILED).description("failed attempts; final=true when the task failed for good")
            .tag("project", Long.toString(projectId)).tag("type", k.type()).tag("final", Boolean.toString(last))
            .register(registry));
  }

  public void expired(long projectId, String type) {
    counter(EXPIRED, projectId, type, "leases that lapsed and were swept").increment();
  }

  public void retried(long projectId, String type) {
    counter(RETRIED, projectId, type, "failed attempts sent back to the queue for another attempt").increment();
  }

  /** Blocked tasks released by the completion of their last prerequisite (or the removal of the link holding them). */
  public void released(long projectId, int count) {
    Counter.builder(RELEASED).description("blocked tasks released when nothing held them any more")
        .tag("project", Long.toString(projectId)).register(registry).increment(count);
  }

  /** Blocked tasks cancelled because a task they require failed for good or was cancelled. */
  public void cascadeCancelled(long projectId, int count) {
    Counter.builder(CASCADE_CANCELLED).description("blocked tasks cancelled because a prerequisite they require did not complete")
        .tag("project", Long.toString(projectId)).register(registry).increment(count);
  }

  /** A workflow run that ended (recorded once, by the leader): by workflow and final status, and how long it took. */
  public void runFinished(long projectId, String workflow, String status, Duration took) {
    Counter.builder(RUNS).description("workflow runs that ended, by final status")
        .tag("project", Long.toString(projectId)).tag("workflow", workflow).tag("status", status)
        .register(registry).increment();
    Timer.builder(RUN_DURATION).description("workflow runs, from start to the end of their last task")
        .tag("project", Long.toString(projectId)).tag("workflow", workflow)
        .publishPercentileHistogram().register(registry).record(took.isNegative() ? Duration.ZERO : took);
  }

  public void retained(int deleted) {
    Counter.builder(DELETED).description("finished tasks deleted by retention").register(registry).increment(deleted);
  }

  /** A claim request, from its arrival to its answer (long-poll waits included). */
  public void claimLatency(long projectId, Duration took, boolean longPoll) {
    claimLatencyTimer(projectId, longPoll).record(took);
  }

  private Timer claimLatencyTimer(long projectId, boolean longPoll) {
    return timers.computeIfAbsent(new Key(CLAIM_LATENCY, projectId, "", longPoll), k ->
        Timer.builder(CLAIM_LATENCY).description("claim requests, from request to response (long-polls included)")
            .tag("project", Long.toString(projectId)).tag("long_poll", Boolean.toString(longPoll))
            .publishPercentileHistogram().register(registry));
  }

  /** How long a task waited, from created (or due) to claimed. */
  public void queueWait(long projectId, String type, Duration waited) {
    timers.computeIfAbsent(new Key(QUEUE_WAIT, projectId, typeLabel(type), false), k ->
        Timer.builder(QUEUE_WAIT).description("how long claimed tasks waited, from created (or due, if later) to claimed")
            .tag("project", Long.toString(projectId)).tag("type", k.type())
            .publishPercentileHistogram().register(registry))
        .record(waited.isNegative() ? Duration.ZERO : waited);
  }

  /** Publishes 1 while this instance leads maintenance, 0 otherwise: alerting needs a series that exists when idle. */
  public void leader(BooleanSupplier leads) {
    Gauge.builder(LEADER, () -> leads.getAsBoolean() ? 1 : 0)
        .description("1 on the instance that leads maintenance (lease sweep, retention, live-task gauges), 0 on the others")
        .register(registry);
  }

  /**
   * Registers, at zero, the series of a known project and type that the alert rules read, so that
   * an idle deployment publishes them before its first task (a rate over an absent series is no rate).
   */
  public void known(long projectId, String type) {
    counter(COMPLETED, projectId, type, "tasks completed");
    counter(EXPIRED, projectId, type, "leases that lapsed and were swept");
    for (boolean last : new boolean[] {false, true}) {
      failedCounter(projectId, type, last);
    }
    for (boolean longPoll : new boolean[] {false, true}) {
      claimLatencyTimer(projectId, longPoll);
    }
  }

  /**
   * The type label of a task: its type, or "" for an untyped task (the original dashboard's),
   * since a Prometheus label has no null; "" cannot be a type name.
   */
  public static String typeLabel(String type) {
    return type == null ? "" : type;
  }

  public void rateLimited() {
    Counter.builder(RATE_LIMITED).description("requests refused with 429 by a key's rate limit").register(registry).increment();
  }

  public void longPollWakeup() {
    Counter.builder(LONG_POLL_WAKEUPS).description("times waiting claims were woken to look again").register(registry).increment();
  }

  /** Publishes how many bulk requests wait for their turn on this instance. */
  public void bulkWaiting(Supplier<Number> waiting) {
    Gauge.builder(BULK_WAITING, waiting).description("bulk requests waiting for their turn on this instance")
        .register(registry);
  }

  /** A request refused with 503 because the instance had its limit of requests in flight. */
  public void shed() {
    Counter.builder(SHED).description("requests refused with 503 because the instance was at its limit of requests in flight")
        .register(registry).increment();
  }

  /** Publishes how many requests hold a place in the instance's admission limit. */
  public void requestsInFlight(Supplier<Number> inFlight) {
    Gauge.builder(IN_FLIGHT, inFlight).description("requests this instance is working on (long-polls waiting for work excluded)")
        .register(registry);
  }

  private Counter counter(String name, long projectId, String type, String description) {
    return counters.computeIfAbsent(new Key(name, projectId, typeLabel(type), false), k ->
        Counter.builder(name).description(description)
            .tag("project", Long.toString(projectId)).tag("type", k.type())
            .register(registry));
  }
}
