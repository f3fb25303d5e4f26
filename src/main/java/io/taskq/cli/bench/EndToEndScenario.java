package io.taskq.cli.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A creator sends tasks open-loop at a fixed rate, whatever the server answers, while workers
 * claim (up to 10 at a time) and complete them. The latency is how long a task waited: from
 * the moment its create was acknowledged to the moment a claim handed it to a worker. Tasks
 * carry their creation number as external id, so that a claimed task finds its
 * acknowledgement time in an array rather than a map.
 */
final class EndToEndScenario implements LoadScenario {

  static final String EXTERNAL_ID_PREFIX = "e2e-";
  /** The creator's clock: every 10 ms it sends what the rate owes by then. */
  private static final long TICK_MS = 10;
  /** Open loop, but bounded: beyond this many unanswered creates the server is far behind and more would only queue in the client. */
  private static final int MAX_CREATES_IN_FLIGHT = 10_000;
  /** 20M acknowledgement times (160 MB) bound a run however high the rate. */
  private static final int MAX_TASKS = 20_000_000;
  private static final int CREATOR_CONNECTIONS = 32;

  private final Vertx vertx;
  private final TaskqClient workers;
  private final TaskqClient creator;
  private final String tasksPath;
  private final String type;
  private final int rate;
  private final Buffer[] claimBodies;
  /** When each task's create was acknowledged (System.nanoTime), by creation number; 0 until then. */
  private final AtomicLongArray acknowledged;
  private final AtomicLong createsAcknowledged = new AtomicLong();
  private final AtomicLong tasksClaimed = new AtomicLong();
  private final AtomicLong createsNotSent = new AtomicLong();

  // The creator's state: touched only on the creator's event-loop context.
  private long sent;
  private int inFlight;
  private boolean creatorStopped;

  EndToEndScenario(Vertx vertx, TaskqClient workers, TaskqClient creator, long project, String type, int workerCount,
      int rate, int longPollMs, int totalSeconds) {
    this.vertx = vertx;
    this.workers = workers;
    this.creator = creator;
    this.tasksPath = TaskBodies.tasksPath(project);
    this.type = type;
    this.rate = rate;
    this.claimBodies = new Buffer[workerCount];
    for (int i = 0; i < workerCount; i++) {
      claimBodies[i] = TaskBodies.claim("w" + i, ScenarioKind.E2E.claimLimit(), longPollMs);
    }
    long capacity = (long) rate * (totalSeconds + 2) + 1_000;
    this.acknowledged = new AtomicLongArray((int) Math.min(MAX_TASKS, capacity));
  }

  /** The creator needs its own connections: open-loop creates must not queue behind the workers' claims. */
  static int creatorConnections() {
    return CREATOR_CONNECTIONS;
  }

  @Override
  public Future<Void> background(Context context, MeasurementWindow window) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> vertx.setPeriodic(TICK_MS, timer -> tick(timer, window, done)));
    return done.future();
  }

  private void tick(long timer, MeasurementWindow window, Promise<Void> done) {
    long now = System.nanoTime();
    if (now >= window.measureUntilNanos) {
      vertx.cancelTimer(timer);
      creatorStopped = true;
      if (inFlight == 0) {
        done.tryComplete();
      }
      return;
    }
    // Owed by elapsed time, not by ticks: a late timer then sends more, and the rate holds.
    long due = (long) (rate * ((now - window.startNanos) / 1e9));
    while (sent < due) {
      if (sent >= acknowledged.length() || inFlight >= MAX_CREATES_IN_FLIGHT) {
        createsNotSent.addAndGet(due - sent);
        sent = due;
        break;
      }
      create(sent++, window, done);
    }
  }

  private void create(long number, MeasurementWindow window, Promise<Void> done) {
    inFlight++;
    String body = TaskBodies.taskWithExternalId(type, number, EXTERNAL_ID_PREFIX + number);
    creator.post(tasksPath, body).onComplete(ar -> {
      long t1 = System.nanoTime();
      inFlight--;
      window.answered(t1);
      if (window.succeeded(ar, 201, t1, "create")) {
        acknowledged.set((int) number, t1);
        createsAcknowledged.incrementAndGet();
        window.created(t1);
      }
      if (creatorStopped && inFlight == 0) {
        done.tryComplete();
      }
    });
  }

  @Override
  public Future<?> step(int worker, MeasurementWindow window) {
    long t0 = System.nanoTime();
    return workers.post(tasksPath + ":claim", claimBodies[worker]).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      boolean ok = window.succeeded(ar, 200, t1, "claim");
      window.answered(t0, t1, window.secondLatency, ok);
      JsonObject body = ok ? window.jsonBody(ar.result(), t1, "claim") : null;
      JsonArray tasks = body == null ? null : body.getJsonArray("tasks");
      if (tasks == null) {
        return Future.succeededFuture();
      }
      if (tasks.isEmpty()) {
        // Plain polling claims again at once: that load is what long polling would spare.
        window.emptyPoll(t1);
        return Future.succeededFuture();
      }
      tasksClaimed.addAndGet(tasks.size());
      window.tasks(t1, tasks.size());
      List<Future<?>> completions = new ArrayList<>(tasks.size());
      for (int i = 0; i < tasks.size(); i++) {
        JsonObject task = tasks.getJsonObject(i);
        if (window.counts(t1)) {
          window.latency.record(waited(task, t1));
        }
        completions.add(complete(task, window));
      }
      return Future.join(completions).mapEmpty();
    });
  }

  /** Nanoseconds from the create's acknowledgement to the claim; 0 when the claim came first. */
  private long waited(JsonObject task, long claimedAt) {
    String externalId = task.getString("external_id");
    if (externalId == null || !externalId.startsWith(EXTERNAL_ID_PREFIX)) {
      return 0;
    }
    int number = Integer.parseInt(externalId.substring(EXTERNAL_ID_PREFIX.length()));
    long ackAt = number < acknowledged.length() ? acknowledged.get(number) : 0;
    return ackAt == 0 || ackAt > claimedAt ? 0 : claimedAt - ackAt;
  }

  private Future<Void> complete(JsonObject task, MeasurementWindow window) {
    String path = tasksPath + "/" + task.getLong("id") + ":complete";
    return workers.post(path, TaskBodies.complete(task.getString("lease_id"))).<Void>transform(ar -> {
      long t1 = System.nanoTime();
      window.answered(t1);
      window.succeeded(ar, 200, t1, "complete");
      return Future.succeededFuture();
    });
  }

  @Override
  public String secondLatencyName() {
    return "claim request";
  }

  @Override
  public List<String> notes(MeasurementWindow window) {
    List<String> notes = new ArrayList<>();
    double seconds = window.seconds();
    notes.add(String.format(Locale.ROOT, "created %,.0f/s (target %,d/s), claimed %,.0f/s; %,d empty claims; %,d tasks left unclaimed at the end",
        window.created() / seconds, rate, window.tasks() / seconds, window.emptyPolls(),
        Math.max(0, createsAcknowledged.get() - tasksClaimed.get())));
    if (createsNotSent.get() > 0) {
      notes.add(String.format(Locale.ROOT, "%,d creates not sent: %,d were unanswered, or the run's cap of tasks was reached",
          createsNotSent.get(), MAX_CREATES_IN_FLIGHT));
    }
    return notes;
  }
}
