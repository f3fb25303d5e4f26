package io.taskq.api;

import io.taskq.config.HttpLimits;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every HTTP server instance of one process shares (one instance runs per event loop, all
 * on one port): the limits, the count of open connections the cap applies to, and the methods
 * each documented path allows.
 */
public final class HttpEdge {

  private final HttpLimits limits;
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AllowedMethods allowed;

  private HttpEdge(HttpLimits limits, AllowedMethods allowed) {
    this.limits = limits;
    this.allowed = allowed;
  }

  /** Reads the OpenAPI document: call it once, off the event loops. */
  public static HttpEdge create(HttpLimits limits, Buffer contract) {
    return new HttpEdge(limits, AllowedMethods.fromContract(contract));
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
}
