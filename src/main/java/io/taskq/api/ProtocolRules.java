package io.taskq.api;

import io.taskq.error.HttpProtocolError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP rules the router does not apply by itself, checked before anything else (before
 * authentication too: none of these answers says anything a client could not read in the
 * OpenAPI document):
 * <ul>
 *   <li>a method HTTP does not define is 501, a transfer coding other than chunked is 501 (the
 *       body cannot be framed, so the connection closes after the answer);</li>
 *   <li>a documented path asked with a method it does not answer is 405 with {@code Allow};</li>
 *   <li>HEAD is answered as GET without the body: same status and headers, Content-Length too.</li>
 * </ul>
 */
final class ProtocolRules implements Handler<RoutingContext> {

  private static final String HEAD_KEY = "taskq.head";

  private final AllowedMethods allowed;

  ProtocolRules(AllowedMethods allowed) {
    this.allowed = allowed;
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    HttpMethod method = request.method();
    boolean rerouted = rc.get(HEAD_KEY) != null;
    if (method == HttpMethod.HEAD || rerouted) {
      // (again after the reroute below, which drops the handlers added before it)
      rc.addHeadersEndHandler(v -> contentLengthOfTheOmittedBody(rc.response()));
    }
    if (rerouted) {
      // Back here as a GET: its answer goes out without the body (Vert.x knows the request was a HEAD).
      rc.next();
      return;
    }
    if (!AllowedMethods.isKnown(method)) {
      Problems.write(rc, HttpProtocolError.notImplemented("taskq does not implement the method " + printable(method.name())));
      return;
    }
    String transferEncoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    if (transferEncoding != null && !"chunked".equalsIgnoreCase(transferEncoding.trim())) {
      rc.addBodyEndHandler(v -> request.connection().close());
      Problems.write(rc, HttpProtocolError.notImplemented(
          "taskq reads request bodies sent whole or in chunks only (Transfer-Encoding: chunked)"));
      return;
    }
    if (allowed.refuses(method, request.path())) {
      rc.response().putHeader(HttpHeaders.ALLOW, allowed.allow(request.path()));
      Problems.write(rc, HttpProtocolError.methodNotAllowed(method.name() + " is not allowed on " + request.path()));
      return;
    }
    if (method == HttpMethod.HEAD) {
      rc.put(HEAD_KEY, Boolean.TRUE);
      rc.reroute(HttpMethod.GET, target(request));
      return;
    }
    rc.next();
  }

  /** Vert.x leaves Content-Length out of a HEAD answer; RFC 9110 wants the one GET would have sent. */
  private static void contentLengthOfTheOmittedBody(HttpServerResponse response) {
    if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH) && !response.isChunked()) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(response.bytesWritten()));
    }
  }

  /** The path and query to route again; an absolute-form target ("GET http://host/path") keeps only those. */
  private static String target(HttpServerRequest request) {
    String query = request.query();
    return query == null ? request.path() : request.path() + "?" + query;
  }

  /** A method is a token, but may be long: the detail quotes at most 32 characters of it. */
  private static String printable(String method) {
    return method.length() <= 32 ? method : method.substring(0, 32) + "...";
  }
}
