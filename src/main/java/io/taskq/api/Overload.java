package io.taskq.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.taskq.error.Unavailable;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
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
 * <p>A long-polling claim ({@code "wait_ms" > 0}) gives its place back once its body is read:
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
  private static final JsonFactory JSON = new JsonFactory();

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
    AtomicBoolean held = new AtomicBoolean(true);
    rc.put(PLACE, held);
    // Called once the answer is sent, or when the connection closes first: a client that hangs
    // up cannot keep its place.
    rc.addEndHandler(ar -> release(held));
    rc.next();
  }

  /** For the claim route, after its body is read: a long-poll waits without holding a place. */
  public void releaseLongPoll(RoutingContext rc) {
    AtomicBoolean held = rc.get(PLACE);
    if (held != null && waitsForWork(rc.body().buffer())) {
      release(held);
    }
    rc.next();
  }

  private void release(AtomicBoolean held) {
    if (held.compareAndSet(true, false)) {
      inFlight.decrementAndGet();
    }
  }

  /**
   * Whether a claim body asks to wait ({@code "wait_ms"} above 0 at its top level). A streaming
   * look, stopping at the field: about a microsecond for a claim body. An unreadable body does
   * not wait; the claim itself answers it with 400.
   */
  static boolean waitsForWork(Buffer body) {
    if (body == null || body.length() == 0) {
      return false;
    }
    try (JsonParser parser = JSON.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("wait_ms".equals(name)) {
          return value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT
              && parser.getIntValue() > 0;
        }
        parser.skipChildren();
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }
}
