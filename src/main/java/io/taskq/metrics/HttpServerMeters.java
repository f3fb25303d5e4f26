package io.taskq.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP server's metrics, under the names and labels Vert.x's Micrometer metrics gave them
 * ({@code vertx_http_server_requests_total}, {@code _response_time_seconds},
 * {@code _response_bytes}, {@code _request_bytes}, {@code _active_requests},
 * {@code _active_connections}), so that dashboards and the alert rules read them unchanged.
 *
 * <p>Recorded here instead of by Vert.x because Vert.x looked up five meters per request in the
 * registry, each through a fresh {@code Tags} and {@code Meter.Id}: about 3 us of the server's
 * 45 us of CPU per claim or completion (benchmarks.md, "Server CPU per request, third step").
 * Here the meters of one route, method and status are found with one map look-up. The route
 * label is the contract's path template ({@code /projects/{projectId}/tasks:claim}), not
 * Vert.x Web's regular expression; a path the contract does not describe is {@link #UNDOCUMENTED}.
 */
public final class HttpServerMeters {

  /** The route label of a request whose path the contract does not describe (the dashboard, a 404). */
  public static final String UNDOCUMENTED = "undocumented";

  private static final String REQUESTS = "vertx.http.server.requests";
  private static final String RESPONSE_TIME = "vertx.http.server.response.time";
  private static final String RESPONSE_BYTES = "vertx.http.server.response.bytes";
  private static final String REQUEST_BYTES = "vertx.http.server.request.bytes";
  private static final String ACTIVE_REQUESTS = "vertx.http.server.active.requests";
  private static final String ACTIVE_CONNECTIONS = "vertx.http.server.active.connections";
  private static final String RESETS = "vertx.http.server.request.resets";

  private final MeterRegistry registry;
  private final ConcurrentMap<Answered, Outcome> outcomes = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Method> methods = new ConcurrentHashMap<>();

  /** @param openConnections the connections open on this process, read when scraped */
  public HttpServerMeters(MeterRegistry registry, AtomicInteger openConnections) {
    this.registry = registry;
    Gauge.builder(ACTIVE_CONNECTIONS, openConnections, AtomicInteger::get)
        .description("Number of opened connections to the HTTP Server").register(registry);
  }

  /** A request of this method has begun: counted as active until {@link #ended}. */
  public void began(String method) {
    method(method).active.increment();
  }

  /** A request whose connection closed before its answer was sent: no longer active, and counted apart. */
  public void reset(String method) {
    Method byMethod = method(method);
    byMethod.active.decrement();
    byMethod.resets.increment();
  }

  /**
   * A request has been answered.
   *
   * @param route the contract's path template, or {@link #UNDOCUMENTED}
   * @param nanos from the request's arrival to its end
   */
  public void ended(String method, String route, int status, long requestBytes, long responseBytes, long nanos) {
    Method byMethod = method(method);
    byMethod.active.decrement();
    byMethod.requestBytes.record(requestBytes);
    Answered key = new Answered(method, route, status);
    Outcome outcome = outcomes.get(key);
    if (outcome == null) {
      // (computeIfAbsent alone may lock a bin even when the key is there)
      outcome = outcomes.computeIfAbsent(key, this::register);
    }
    outcome.requests.increment();
    outcome.responseTime.record(nanos, TimeUnit.NANOSECONDS);
    outcome.responseBytes.record(responseBytes);
  }

  private Method method(String method) {
    Method byMethod = methods.get(method);
    return byMethod != null ? byMethod : methods.computeIfAbsent(method, this::register);
  }

  private Method register(String method) {
    LongAdder active = new LongAdder();
    Gauge.builder(ACTIVE_REQUESTS, active, LongAdder::doubleValue).description("Number of requests being processed")
        .tag("method", method).register(registry);
    DistributionSummary requestBytes = DistributionSummary.builder(REQUEST_BYTES).description("Size of requests in bytes")
        .tag("method", method).register(registry);
    Counter resets = Counter.builder(RESETS).description("Number of request resets").tag("method", method).register(registry);
    return new Method(active, requestBytes, resets);
  }

  private Outcome register(Answered key) {
    String code = Integer.toString(key.status());
    return new Outcome(
        Counter.builder(REQUESTS).description("Number of processed requests")
            .tags("code", code, "method", key.method(), "route", key.route()).register(registry),
        Timer.builder(RESPONSE_TIME).description("Request processing time")
            .tags("code", code, "method", key.method(), "route", key.route()).register(registry),
        DistributionSummary.builder(RESPONSE_BYTES).description("Size of responses in bytes")
            .tags("code", code, "method", key.method(), "route", key.route()).register(registry));
  }

  /** The labels of one kind of answer; a record, so the map's look-up compares them without a string built. */
  private record Answered(String method, String route, int status) {
  }

  private record Outcome(Counter requests, Timer responseTime, DistributionSummary responseBytes) {
  }

  private record Method(LongAdder active, DistributionSummary requestBytes, Counter resets) {
  }
}
