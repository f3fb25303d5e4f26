package io.taskq.reliability;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Workers and creators of one project, as HTTP clients in the test JVM, spread over one or
 * more taskq instances. A worker whose instance stops answering moves to the next one and sends
 * the same request there (a complete or fail keeps its lease: any instance may answer it). A 503
 * or 429 is retried after its Retry-After. Every acknowledged write goes into the ledger;
 * every answer the protocol does not allow goes into {@link #errors}.
 */
final class Fleet {

  /** Long-polls keep idle workers cheap while retries wait out their backoff. */
  static final int CLAIM_WAIT_MS = 1000;
  static final int CLAIM_LIMIT = 4;
  private static final int MAX_SENDS = 200;

  private final Vertx vertx;
  private final List<Http> instances;
  private final long project;
  private final long seed;
  private final Ledger ledger;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicInteger running = new AtomicInteger();

  final AtomicLong requests = new AtomicLong();
  final AtomicLong unanswered = new AtomicLong();
  final AtomicLong unavailable = new AtomicLong();
  final AtomicLong conflicts = new AtomicLong();
  final AtomicLong scriptedFailures = new AtomicLong();
  final AtomicLong abandoned = new AtomicLong();
  final AtomicLong completed = new AtomicLong();
  final Latencies claimLatency = new Latencies();
  final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

  Fleet(Vertx vertx, List<Http> instances, long project, long seed, Ledger ledger) {
    this.vertx = vertx;
    this.instances = instances;
    this.project = project;
    this.seed = seed;
    this.ledger = ledger;
  }

  private final class Worker {
    final String id;
    /** Sends the answers of a claim in one tasks:complete and one tasks:fail, instead of one request each. */
    final boolean batches;
    int instance;

    Worker(String id, int instance, boolean batches) {
      this.id = id;
      this.instance = instance;
      this.batches = batches;
    }
  }

  /** Starts {@code count} workers, spread over the instances in turn; every other one answers in batches. */
  void startWorkers(int count) {
    for (int i = 0; i < count; i++) {
      Worker w = new Worker("w" + i, i % instances.size(), i % 2 == 1);
      running.incrementAndGet();
      vertx.runOnContext(v -> claimLoop(w));
    }
  }

  /** Asks every worker and creator to stop after its current request; the future ends when all have. */
  Future<Void> stop() {
    stopping.set(true);
    Promise<Void> done = Promise.promise();
    long timer = vertx.setPeriodic(20, id -> {
      if (running.get() == 0) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  boolean stopping() {
    return stopping.get();
  }

  private void claimLoop(Worker w) {
    if (stopping.get()) {
      running.decrementAndGet();
      return;
    }
    long start = System.nanoTime();
    JsonObject body = new JsonObject().put("worker_id", w.id).put("limit", w.batches ? 2 * CLAIM_LIMIT : CLAIM_LIMIT).put("wait_ms", CLAIM_WAIT_MS);
    send(w, "/projects/" + project + "/tasks:claim", body).onComplete(ar -> {
      Http.Reply reply = ar.result();
      if (reply == null || reply.status() != 200) {
        if (reply != null && reply.answered()) {
          errors.add("claim answered " + reply);
        }
        vertx.setTimer(100, id -> claimLoop(w));
        return;
      }
      JsonArray tasks = reply.json().getJsonArray("tasks");
      if (!tasks.isEmpty()) {
        claimLatency.record(System.nanoTime() - start);
      }
      for (int i = 0; i < tasks.size(); i++) {
        JsonObject t = tasks.getJsonObject(i);
        ledger.claims.add(new Ledger.Claim(t.getLong("id"), t.getString("lease_id"), t.getInteger("attempts")));
      }
      (w.batches ? workInBatches(w, tasks) : work(w, tasks, 0)).onComplete(done -> claimLoop(w));
    });
  }

  /** Does what each claimed task's script says, one task after the other. */
  private Future<Void> work(Worker w, JsonArray tasks, int i) {
    if (i == tasks.size()) {
      return Future.succeededFuture();
    }
    JsonObject t = tasks.getJsonObject(i);
    long id = t.getLong("id");
    String lease = t.getString("lease_id");
    int attempt = t.getInteger("attempts");
    TaskScript script = TaskScript.of(seed, t.getJsonObject("params").getInteger("n"));
    String path = "/projects/" + project + "/tasks/" + id;
    Future<Void> done = switch (script.at(attempt)) {
      case ABANDON -> {
        abandoned.incrementAndGet();
        yield Future.succeededFuture();
      }
      case COMPLETE -> send(w, path + ":complete", new JsonObject().put("lease_id", lease)
          .put("result", new JsonObject().put("n", script.n()))).map(reply -> {
            if (reply.status() == 200) {
              completed.incrementAndGet();
              ledger.completions.add(new Ledger.Completion(id, lease));
            } else if (reply.status() == 409) {
              conflicts.incrementAndGet();
            } else if (reply.answered()) {
              errors.add("complete of " + id + " answered " + reply);
            }
            return null;
          });
      case FAIL_RETRYABLE, FAIL_FOR_GOOD -> {
        scriptedFailures.incrementAndGet();
        boolean retryable = script.at(attempt) == TaskScript.Action.FAIL_RETRYABLE;
        yield send(w, path + ":fail", new JsonObject().put("lease_id", lease)
            .put("error", "scripted failure of " + script.n() + " on attempt " + attempt).put("retryable", retryable))
            .map(reply -> {
              if (reply.status() == 200) {
                ledger.failures.add(new Ledger.Failure(id, lease, attempt));
              } else if (reply.status() == 409) {
                conflicts.incrementAndGet();
              } else if (reply.answered()) {
                errors.add("fail of " + id + " answered " + reply);
              }
              return null;
            });
      }
    };
    return done.compose(v -> work(w, tasks, i + 1));
  }

  /** Does what each claimed task's script says, all completes in one request and all fails in another. */
  private Future<Void> workInBatches(Worker w, JsonArray tasks) {
    JsonArray completions = new JsonArray();
    JsonArray failures = new JsonArray();
    List<Integer> failedAttempts = new java.util.ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      JsonObject t = tasks.getJsonObject(i);
      int attempt = t.getInteger("attempts");
      TaskScript script = TaskScript.of(seed, t.getJsonObject("params").getInteger("n"));
      JsonObject item = new JsonObject().put("id", t.getLong("id")).put("lease_id", t.getString("lease_id"));
      switch (script.at(attempt)) {
        case ABANDON -> abandoned.incrementAndGet();
        case COMPLETE -> completions.add(item.put("result", new JsonObject().put("n", script.n())));
        case FAIL_RETRYABLE, FAIL_FOR_GOOD -> {
          scriptedFailures.incrementAndGet();
          failures.add(item.put("error", "scripted failure of " + script.n() + " on attempt " + attempt)
              .put("retryable", script.at(attempt) == TaskScript.Action.FAIL_RETRYABLE));
          failedAttempts.add(attempt);
        }
      }
    }
    Future<Void> completed = completions.isEmpty() ? Future.succeededFuture()
        : send(w, "/projects/" + project + "/tasks:complete", new JsonObject().put("completions", completions))
            .map(reply -> batchOutcomes(reply, completions, "completed", (item, i) -> ledger.completions.add(
                new Ledger.Completion(item.getLong("id"), item.getString("lease_id")))));
    return completed.compose(v -> failures.isEmpty() ? Future.succeededFuture()
        : send(w, "/projects/" + project + "/tasks:fail", new JsonObject().put("failures", failures))
            .map(reply -> batchOutcomes(reply, failures, "failed", (item, i) -> ledger.failures.add(
                new Ledger.Failure(item.getLong("id"), item.getString("lease_id"), failedAttempts.get(i))))));
  }

  /** Records the acknowledged items of a batch answer; its results are in the order of the items sent. */
  private Void batchOutcomes(Http.Reply reply, JsonArray items, String success,
      java.util.function.BiConsumer<JsonObject, Integer> acknowledged) {
    if (reply.status() != 200) {
      if (reply.answered()) {
        errors.add("batch " + success + " answered " + reply);
      }
      return null;
    }
    JsonArray results = reply.json().getJsonArray("results");
    if (results.size() != items.size()) {
      errors.add("batch of " + items.size() + " answered " + results.size() + " results: " + reply);
      return null;
    }
    for (int i = 0; i < items.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      JsonObject item = items.getJsonObject(i);
      String outcome = result.getString("outcome");
      if (!item.getLong("id").equals(result.getLong("id"))) {
        errors.add("batch result " + i + " names task " + result.getLong("id") + ", sent " + item.getLong("id"));
      } else if (success.equals(outcome)) {
        if (success.equals("completed")) {
          completed.incrementAndGet();
        }
        acknowledged.accept(item, i);
      } else if ("lease_conflict".equals(outcome)) {
        conflicts.incrementAndGet();
      } else {
        errors.add("batch item " + item + " answered " + result);
      }
    }
    return null;
  }

  /**
   * Creates tasks {@code from} to {@code to - 1} of the scripts: {@code creators} loops take
   * chunks of {@code chunk}; every {@code singleEvery}-th chunk goes as single creates, the
   * others as one bulk request. External ids make a resent request safe.
   */
  Future<Void> create(String type, String lapsingType, int from, int to, int chunk, int singleEvery, int creators) {
    AtomicInteger next = new AtomicInteger(from);
    AtomicInteger chunks = new AtomicInteger();
    List<Future<Void>> loops = new java.util.ArrayList<>();
    for (int c = 0; c < creators; c++) {
      Worker w = new Worker("creator" + c, c % instances.size(), false);
      Promise<Void> done = Promise.promise();
      running.incrementAndGet();
      vertx.runOnContext(v -> createLoop(w, type, lapsingType, next, to, chunk, singleEvery, chunks, done));
      loops.add(done.future().onComplete(ar -> running.decrementAndGet()));
    }
    return Future.all(loops).mapEmpty();
  }

  static JsonObject taskBody(long seed, int n, String type, String lapsingType) {
    TaskScript script = TaskScript.of(seed, n);
    return new JsonObject().put("type", script.kind() == TaskScript.Kind.LAPSE_ONCE ? lapsingType : type)
        .put("external_id", "n-" + n).put("params", new JsonObject().put("n", n)).put("max_attempts", script.maxAttempts());
  }

  private void createLoop(Worker w, String type, String lapsingType, AtomicInteger next, int to, int chunk, int singleEvery,
      AtomicInteger chunks, Promise<Void> done) {
    int first = next.getAndAdd(chunk);
    if (first >= to || stopping.get()) {
      done.tryComplete();
      return;
    }
    int last = Math.min(to, first + chunk);
    Future<Void> sent;
    if (chunks.incrementAndGet() % singleEvery == 0) {
      sent = createEach(w, type, lapsingType, first, last);
    } else {
      JsonArray items = new JsonArray();
      for (int n = first; n < last; n++) {
        items.add(taskBody(seed, n, type, lapsingType));
      }
      sent = send(w, "/projects/" + project + "/tasks:bulk", new JsonObject().put("tasks", items)).map(reply -> {
        if (reply.status() == 201) {
          JsonArray created = reply.json().getJsonArray("created");
          for (int i = 0; i < created.size(); i++) {
            JsonObject t = created.getJsonObject(i);
            ledger.created.put(t.getString("external_id"), t.getLong("id"));
          }
        } else {
          errors.add("bulk create answered " + reply);
        }
        return null;
      });
    }
    sent.onComplete(ar -> createLoop(w, type, lapsingType, next, to, chunk, singleEvery, chunks, done));
  }

  private Future<Void> createEach(Worker w, String type, String lapsingType, int n, int last) {
    if (n == last) {
      return Future.succeededFuture();
    }
    return send(w, "/projects/" + project + "/tasks", taskBody(seed, n, type, lapsingType)).compose(reply -> {
      if (reply.status() == 201 || reply.status() == 200) {
        JsonObject t = reply.json();
        ledger.created.put(t.getString("external_id"), t.getLong("id"));
      } else {
        errors.add("create answered " + reply);
      }
      return createEach(w, type, lapsingType, n + 1, last);
    });
  }

  /**
   * Sends until an instance answers something other than 503/429: a request without an answer
   * goes to the next instance, a 503 or 429 waits its Retry-After. Answers the last reply.
   */
  private Future<Http.Reply> send(Worker w, String path, JsonObject body) {
    Promise<Http.Reply> promise = Promise.promise();
    send(w, path, body, 1, promise);
    return promise.future();
  }

  private void send(Worker w, String path, JsonObject body, int sends, Promise<Http.Reply> promise) {
    requests.incrementAndGet();
    instances.get(w.instance).post(path, body).onComplete(ar -> {
      Http.Reply reply = ar.result();
      if (sends >= MAX_SENDS) {
        promise.complete(reply);
      } else if (!reply.answered()) {
        unanswered.incrementAndGet();
        w.instance = (w.instance + 1) % instances.size();
        vertx.setTimer(50, id -> send(w, path, body, sends + 1, promise));
      } else if (reply.status() == 503 || reply.status() == 429) {
        unavailable.incrementAndGet();
        long after = reply.retryAfter();
        if (after < 0 || !"application/problem+json".equals(reply.contentType())) {
          errors.add(path + " answered " + reply.status() + " without Retry-After or problem+json: " + reply);
        }
        vertx.setTimer(Math.max(1, after) * 1000, id -> send(w, path, body, sends + 1, promise));
      } else {
        promise.complete(reply);
      }
    });
  }
}
