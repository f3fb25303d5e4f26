package io.taskq.cli.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs of the {@link FanWorkflow} (1 -> 100 -> 1): a starter keeps a fixed number of runs in
 * flight, starting the next as soon as one completes; workers long-poll for one task at a time
 * and complete it. Measured: runs and tasks completed, and each dependent's release latency,
 * from its last prerequisite's {@code completed_at} to its own {@code claimed_at}, both server
 * times read from the claim and completion answers (no extra requests). The headline latency
 * is every dependent's (the 100 fan-out tasks and the end of each run); the second is the fan-in's
 * alone (end); the notes add how soon the first of each fan-out was claimed.
 */
final class DagScenario implements LoadScenario {

  /**
   * How long an idle claim waits on the server. Long enough that idle workers cost nothing, short
   * enough that workers parked when the window closes are back within a second; a release wakes
   * them at once either way.
   */
  static final int WAIT_MS = 1_000;
  /** After a run that could not be started, before the next try: an error, not a load to measure. */
  private static final long RETRY_PAUSE_MS = 100;
  /** 100,000 runs outlast any window this machine can fill (tens of runs a second). */
  private static final int MAX_RUNS_SAMPLED = 100_000;

  private final Vertx vertx;
  private final TaskqClient client;
  private final String tasksPath;
  private final String runsPath;
  private final int runsInFlight;
  private final Buffer[] claimBodies;
  private final Map<Long, FanRunProgress> progress = new ConcurrentHashMap<>();
  private final AtomicLong nextRun = new AtomicLong();
  private final AtomicInteger startsUnanswered = new AtomicInteger();
  private final LatencyRecorder firstOfFanOut = new LatencyRecorder(MAX_RUNS_SAMPLED);
  private final AtomicLong releasesBeforeCompletion = new AtomicLong();
  private final Promise<Void> starterDone = Promise.promise();
  private volatile boolean starterStopped;
  private volatile MeasurementWindow window;

  DagScenario(Vertx vertx, TaskqClient client, long project, int workers, int runsInFlight) {
    this.vertx = vertx;
    this.client = client;
    this.tasksPath = TaskBodies.tasksPath(project);
    this.runsPath = "/projects/" + project + "/workflows/" + FanWorkflow.NAME + "/runs";
    this.runsInFlight = runsInFlight;
    this.claimBodies = new Buffer[workers];
    for (int i = 0; i < workers; i++) {
      claimBodies[i] = TaskBodies.claim("w" + i, ScenarioKind.DAG.claimLimit(), WAIT_MS);
    }
  }

  /**
   * Runs kept in flight: one fanning out (100 claimable, enough for up to 100 workers) while
   * the one before it waits for its end, and one more for each further 100 workers. No more: a
   * claim takes the oldest claimable task first, so a further run's tasks only queue behind
   * these, and every task queued ahead of a released one adds to its release latency. Measured
   * at 32 workers with 2, 3, 4 and 6 runs in flight (benchmarks.md), more than 2 bought no tasks/s
   * beyond the machine's noise and raised the fan-in's p50 from 11-29 ms (2) to 28-64 ms (3-4)
   * and 78-142 ms (6). With 1, workers idle while a run's start and end are claimed and completed.
   */
  static int runsInFlight(int workers) {
    return 1 + (workers + FanWorkflow.FAN_OUT - 1) / FanWorkflow.FAN_OUT;
  }

  int runsInFlight() {
    return runsInFlight;
  }

  /** Release latencies below zero: a dependent claimed before its prerequisite completed, which would be a bug. */
  long releasesBeforeCompletion() {
    return releasesBeforeCompletion.get();
  }

  @Override
  public Future<Void> background(Context context, MeasurementWindow window) {
    this.window = window;
    context.runOnContext(v -> {
      long untilClose = Math.max(1, (window.measureUntilNanos - System.nanoTime()) / 1_000_000);
      vertx.setTimer(untilClose, id -> {
        starterStopped = true;
        finishStarterIfIdle();
      });
      for (int i = 0; i < runsInFlight; i++) {
        startRun();
      }
    });
    return starterDone.future();
  }

  /** Posts the next run; every run that completes, or fails to start, makes room for another. */
  private void startRun() {
    // Counted before the look at the flag: the closing timer then either sees this start or stops it.
    startsUnanswered.incrementAndGet();
    if (starterStopped) {
      startsUnanswered.decrementAndGet();
      finishStarterIfIdle();
      return;
    }
    long run = nextRun.getAndIncrement();
    progress.put(run, new FanRunProgress());
    String body = new JsonObject().put("run_id", FanWorkflow.runId(run)).encode();
    client.post(runsPath, body).onComplete(ar -> {
      long t1 = System.nanoTime();
      window.answered(t1);
      boolean ok = window.succeeded(ar, 201, t1, "start a run");
      if (ok) {
        JsonObject answer = window.jsonBody(ar.result(), t1, "start a run");
        JsonArray tasks = answer == null ? null : answer.getJsonArray("tasks");
        if (tasks == null || tasks.size() != FanWorkflow.TASKS_PER_RUN) {
          window.error(t1, "start a run", "the answer does not list " + FanWorkflow.TASKS_PER_RUN + " tasks");
          ok = false;
        }
      }
      startsUnanswered.decrementAndGet();
      if (!ok) {
        progress.remove(run);
        vertx.setTimer(RETRY_PAUSE_MS, id -> startRun());
      }
      finishStarterIfIdle();
    });
  }

  private void finishStarterIfIdle() {
    if (starterStopped && startsUnanswered.get() == 0) {
      starterDone.tryComplete();
    }
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
    return client.post(tasksPath + ":claim", claimBodies[worker]).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      window.answered(t1);
      JsonObject body = window.succeeded(ar, 200, t1, "claim") ? window.jsonBody(ar.result(), t1, "claim") : null;
      JsonArray tasks = body == null ? null : body.getJsonArray("tasks");
      if (tasks == null) {
        return Future.succeededFuture();
      }
      if (tasks.isEmpty()) {
        window.emptyPoll(t1);
        return Future.succeededFuture();
      }
      JsonObject task = tasks.getJsonObject(0);
      FanWorkflow.Place place = FanWorkflow.place(task.getString("external_id"));
      FanRunProgress run = place == null ? null : progress.get(place.run());
      if (run == null) {
        window.error(t1, "claim", "a task of no run in flight: " + task.getString("external_id"));
      } else {
        long claimedAt = micros(task.getString("claimed_at"), t1, window);
        if (place.step() == FanWorkflow.Step.FAN_OUT) {
          run.fanOutClaimed(t1, claimedAt, releases);
        } else if (place.step() == FanWorkflow.Step.END) {
          run.endClaimed(t1, claimedAt, releases);
        }
      }
      return complete(task, place, run, window);
    });
  }

  private Future<Void> complete(JsonObject task, FanWorkflow.Place place, FanRunProgress run, MeasurementWindow window) {
    String path = tasksPath + "/" + task.getLong("id") + ":complete";
    return client.post(path, TaskBodies.complete(task.getString("lease_id"))).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      window.answered(t1);
      JsonObject completed = window.succeeded(ar, 200, t1, "complete") ? window.jsonBody(ar.result(), t1, "complete") : null;
      if (completed == null) {
        return Future.succeededFuture();
      }
      window.tasks(t1, 1);
      if (run == null) {
        return Future.succeededFuture();
      }
      switch (place.step()) {
        case START -> run.startCompleted(t1, micros(completed.getString("completed_at"), t1, window), releases);
        case FAN_OUT -> run.fanOutCompleted(t1, micros(completed.getString("completed_at"), t1, window), releases);
        case END -> {
          progress.remove(place.run());
          window.runCompleted(t1);
          startRun();
        }
      }
      return Future.succeededFuture();
    });
  }

  /** An answer's timestamp as epoch microseconds (PostgreSQL's resolution); 0, counted as an error, if unreadable. */
  private static long micros(String timestamp, long t1, MeasurementWindow window) {
    if (timestamp != null) {
      try {
        Instant at = Instant.parse(timestamp);
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    window.error(t1, "read a timestamp", "not an instant: " + timestamp);
    return 0;
  }

  private final FanRunProgress.Releases releases = new FanRunProgress.Releases() {
    @Override
    public void fanOut(long t1, long micros) {
      release(t1, micros);
    }

    @Override
    public void fanIn(long t1, long micros) {
      release(t1, micros);
      if (window.counts(t1)) {
        window.secondLatency.record(micros * 1_000);
      }
    }

    @Override
    public void firstOfFanOut(long t1, long micros) {
      if (window.counts(t1)) {
        firstOfFanOut.record(micros * 1_000);
      }
    }

    private void release(long t1, long micros) {
      if (micros < 0) {
        releasesBeforeCompletion.incrementAndGet();
      }
      if (window.counts(t1)) {
        window.latency.record(micros * 1_000);
      }
    }
  };

  @Override
  public String secondLatencyName() {
    return "fan-in release (end)";
  }

  @Override
  public List<String> notes(MeasurementWindow window) {
    List<String> notes = new ArrayList<>();
    double seconds = window.seconds();
    notes.add(String.format(Locale.ROOT,
        "%,.1f runs/s (%,d runs of %d tasks completed), %d runs in flight, claims of 1 with wait_ms %d; "
            + "first of each fan-out claimed %s after start completed",
        window.runs() / seconds, window.runs(), FanWorkflow.TASKS_PER_RUN, runsInFlight, WAIT_MS,
        ReportTable.percentiles(firstOfFanOut.summarize())));
    if (window.emptyPolls() > 0) {
      notes.add(window.emptyPolls() + " claims came back empty after waiting " + WAIT_MS + " ms: workers were starved");
    }
    if (releasesBeforeCompletion.get() > 0) {
      notes.add(releasesBeforeCompletion.get() + " dependents claimed before their last prerequisite completed");
    }
    return notes;
  }
}
