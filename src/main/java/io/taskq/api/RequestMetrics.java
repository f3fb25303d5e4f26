package io.taskq.api;

import io.taskq.metrics.HttpServerMeters;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of every request: counts it active, and once it ends records its answer
 * (route, method, status, time, bytes) in {@link HttpServerMeters}. The route is the contract's
 * path template the request's path matches, looked up once, at the end.
 */
final class RequestMetrics implements Handler<RoutingContext> {

  /** Set on the first pass: a HEAD rerouted as a GET comes through again and is recorded once. */
  private static final String SEEN = "taskq.metrics.seen";
  static final String OTHER_METHOD = "OTHER";

  private final HttpServerMeters meters;
  private final AllowedMethods allowed;

  RequestMetrics(HttpServerMeters meters, AllowedMethods allowed) {
    this.meters = meters;
    this.allowed = allowed;
  }

  @Override
  public void handle(RoutingContext rc) {
    if (rc.get(SEEN) != null) {
      rc.next();
      return;
    }
    rc.put(SEEN, Boolean.TRUE);
    long start = System.nanoTime();
    HttpServerRequest request = rc.request();
    // Any token is a method to HTTP: one the server does not know (answered 501) is labelled
    // OTHER, so that a client cannot add a series per made-up method.
    String method = AllowedMethods.isKnown(request.method()) ? request.method().name() : OTHER_METHOD;
    meters.began(method);
    // An end handler outlives a reroute (unlike headers- and body-end handlers), and runs
    // whether the answer was sent or the connection closed first.
    rc.addEndHandler(ar -> {
      HttpServerResponse response = rc.response();
      if (!response.ended()) {
        meters.reset(method);
        return;
      }
      String route = allowed.route(request.path());
      meters.ended(method, route == null ? HttpServerMeters.UNDOCUMENTED : route, response.getStatusCode(), request.bytesRead(),
          response.bytesWritten(), System.nanoTime() - start);
    });
    rc.next();
  }
}
