package io.taskq.api;

import io.taskq.error.Unavailable;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control: at most {@code max} requests of one instance are worked on at once; the
 * next is answered 503 with Retry-After at once, before its body is read or its key looked up.
 * Without it, every request that arrives is taken in and waits for a connection (up to 10,000
 * waiters, up to 10 s each) holding its body: latency and heap follow the clients, not the
 * instance's capacity. Refusing early is the cheapest answer an overloaded instance can give,
 * and the client learns when to come back.
 *
 * <p>A long-polling claim ({@code "wait_ms" > 0}) gives its place back once the route has read it:
 * while it waits for work it costs a timer, not a connection, and its retries are coalesced
 * into one claim statement per queue. Probes, metrics and the contract are never shed: they
 * touch no database (or, for readiness, one ping) and are how an operator sees the overload.
 *
 * <p>Thread-safe: one instance serves every event loop of the process.
 */
public final class Overload implements Handler<RoutingContext> {

  /** Seconds a shed client is asked to wait: one second drains a full queue several times over. */
  static final long RETRY_AFTER_SECONDS = Problems.UNAVAILABLE_RETRY_AFTER_SECONDS;

  private static final String PLACE = "taskq.overload.place";
  private static final Set<String> NEVER_SHED = Set.of("/health/live", "/health/ready", "/metrics", "/openapi.yaml");

  private final int max;
  private final Runnable onShed;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** @param onShed counted once per shed request (for metrics) */
  public Overload(int max, Runnable onShed) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    this.max = max;
    this.onShed = onShed;
  }

  /** Requests holding a place right now. */
  public int inFlight() {
    return inFlight.get();
  }

  public int max() {
    return max;
  }

  /** The first handler of every request: takes a place, or sheds the request. */
  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    if (NEVER_SHED.contains(request.path())) {
      rc.next();
      return;
    }
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      onShed.run();
      rc.fail(new Unavailable("this taskq instance is at its limit of " + max
          + " requests in flight; retry after " + RETRY_AFTER_SECONDS + " s"));
      return;
    }
    Place place = new Place(inFlight);
    rc.put(PLACE, place);
    // Called once the answer is sent, or when the connection closes first: a client that hangs
    // up cannot keep its place.
    rc.addEndHandler(ar -> place.release());
    rc.next();
  }

  /**
   * For a claim that is about to wait for work (its {@code wait_ms} read by the route): while it
   * waits it costs a timer, not a database connection, so it gives its place back.
   */
  static void leaveWhileWaiting(RoutingContext rc) {
    Place place = rc.get(PLACE);
    if (place != null) {
      place.release();
    }
  }

  /** A request's place, given back once: by its end, or earlier by a long-poll that starts waiting. */
  private static final class Place {
    private final AtomicInteger inFlight;
    private final AtomicBoolean held = new AtomicBoolean(true);

    Place(AtomicInteger inFlight) {
      this.inFlight = inFlight;
    }

    void release() {
      if (held.compareAndSet(true, false)) {
        inFlight.decrementAndGet();
      }
    }
  }
}
