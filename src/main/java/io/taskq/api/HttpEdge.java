package io.taskq.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.taskq.config.HttpLimits;
import io.taskq.metrics.HttpServerMeters;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every HTTP server instance of one process shares (one instance runs per event loop, all
 * on one port): the limits, the count of open connections the cap applies to, the methods
 * each documented path allows, and the HTTP server's metrics.
 */
public final class HttpEdge {

  private final HttpLimits limits;
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AllowedMethods allowed;
  private final HttpServerMeters meters;

  private HttpEdge(HttpLimits limits, AllowedMethods allowed, MeterRegistry registry) {
    this.limits = limits;
    this.allowed = allowed;
    this.meters = new HttpServerMeters(registry, openConnections);
  }

  /** Reads the OpenAPI document: call it once, off the event loops. */
  public static HttpEdge create(HttpLimits limits, Buffer contract, MeterRegistry registry) {
    return new HttpEdge(limits, AllowedMethods.fromContract(contract), registry);
  }

  HttpLimits limits() {
    return limits;
  }

  AtomicInteger openConnections() {
    return openConnections;
  }

  AllowedMethods allowed() {
    return allowed;
  }

  HttpServerMeters meters() {
    return meters;
  }
}
