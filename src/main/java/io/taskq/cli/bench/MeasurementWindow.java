package io.taskq.cli.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The time frame of one run and everything counted in it. Load starts at {@code startNanos}
 * and runs without a pause through the warm-up into the measured window; a response counts
 * when it arrives inside the window. Counting by arrival, over an uninterrupted load, measures
 * the steady state: neither the ramp-up of the first requests nor the drain of the last ones
 * falls into the window.
 */
final class MeasurementWindow {

  final long startNanos;
  final long measureFromNanos;
  final long measureUntilNanos;
  /** The scenario's headline latency (request latency; e2e: create-to-claim). */
  final LatencyRecorder latency;
  /** A second latency: completions in claiming scenarios, claim requests in e2e. */
  final LatencyRecorder secondLatency;
  final ErrorLog errorLog;

  private final LongAdder tasks = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder emptyPolls = new LongAdder();
  private final LongAdder created = new LongAdder();
  private final LongAdder runs = new LongAdder();

  MeasurementWindow(long startNanos, int warmupSeconds, int durationSeconds, LatencyRecorder latency,
      LatencyRecorder secondLatency, ErrorLog errorLog) {
    this.startNanos = startNanos;
    this.measureFromNanos = startNanos + TimeUnit.SECONDS.toNanos(warmupSeconds);
    this.measureUntilNanos = measureFromNanos + TimeUnit.SECONDS.toNanos(durationSeconds);
    this.latency = latency;
    this.secondLatency = secondLatency;
    this.errorLog = errorLog;
    latency.reset();
    secondLatency.reset();
  }

  /** Whether workers may start another request: until the window ends or the samples run out. */
  boolean open() {
    return System.nanoTime() < measureUntilNanos && !latency.full() && !secondLatency.full();
  }

  boolean counts(long nanos) {
    return nanos >= measureFromNanos && nanos < measureUntilNanos;
  }

  double seconds() {
    return (measureUntilNanos - measureFromNanos) / 1e9;
  }

  /** Records a request that was answered at {@code t1}, its latency into {@code recorder} if it succeeded. */
  void answered(long t0, long t1, LatencyRecorder recorder, boolean succeeded) {
    if (counts(t1)) {
      requests.increment();
      if (succeeded) {
        recorder.record(t1 - t0);
      }
    }
  }

  /** Records a request answered at {@code t1} whose latency is not reported on its own. */
  void answered(long t1) {
    if (counts(t1)) {
      requests.increment();
    }
  }

  void tasks(long t1, long n) {
    if (counts(t1)) {
      tasks.add(n);
    }
  }

  void created(long t1) {
    if (counts(t1)) {
      created.increment();
    }
  }

  /** A workflow run completed (dag). */
  void runCompleted(long t1) {
    if (counts(t1)) {
      runs.increment();
    }
  }

  void emptyPoll(long t1) {
    if (counts(t1)) {
      emptyPolls.increment();
    }
  }

  /** An error counts in the window; the first few of a run are shown whenever they happen. */
  void error(long t1, String what, String detail) {
    if (counts(t1)) {
      errors.increment();
    }
    errorLog.report(what, detail);
  }

  /**
   * Whether an HTTP exchange came back with the expected status; if not, it is counted as an
   * error (transport failures included) and shown if it is among the first.
   */
  boolean succeeded(AsyncResult<HttpResponse<Buffer>> ar, int expectedStatus, long t1, String what) {
    if (ar.failed()) {
      error(t1, what, "transport failure: " + ar.cause());
      return false;
    }
    HttpResponse<Buffer> response = ar.result();
    if (response.statusCode() != expectedStatus) {
      Buffer body = response.body();
      error(t1, what, response.statusCode() + " " + (body == null ? "" : body.toString()));
      return false;
    }
    return true;
  }

  /** The answer's JSON object, or null (counted as an error) when the answer is not one. */
  JsonObject jsonBody(HttpResponse<Buffer> response, long t1, String what) {
    try {
      JsonObject body = response.bodyAsJsonObject();
      if (body != null) {
        return body;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    error(t1, what, "the answer is not a JSON object: " + response.bodyAsString());
    return null;
  }

  long tasks() {
    return tasks.sum();
  }

  long requests() {
    return requests.sum();
  }

  long errors() {
    return errors.sum();
  }

  long emptyPolls() {
    return emptyPolls.sum();
  }

  long created() {
    return created.sum();
  }

  long runs() {
    return runs.sum();
  }
}
