package io.taskq.error;

import java.util.List;

/**
 * A request that breaks HTTP itself rather than taskq's API: a malformed or oversized head, a
 * method or transfer coding taskq does not implement, a body that never arrives.
 */
public final class HttpProtocolError extends TaskqException {

  private HttpProtocolError(int status, String type, String title, String detail) {
    super(status, type, title, detail, List.of());
  }

  /** A client error Vert.x raised with a bare status, named after its status. */
  public static HttpProtocolError clientError(int status, String title) {
    return new HttpProtocolError(status, "http-" + status, title, title);
  }

  public static HttpProtocolError methodNotAllowed(String detail) {
    return new HttpProtocolError(405, "method-not-allowed", "Method not allowed", detail);
  }

  public static HttpProtocolError requestTimeout(String detail) {
    return new HttpProtocolError(408, "request-timeout", "Request timeout", detail);
  }

  public static HttpProtocolError uriTooLong(String detail) {
    return new HttpProtocolError(414, "uri-too-long", "URI too long", detail);
  }

  public static HttpProtocolError headersTooLarge(String detail) {
    return new HttpProtocolError(431, "request-header-fields-too-large", "Request header fields too large", detail);
  }

  public static HttpProtocolError notImplemented(String detail) {
    return new HttpProtocolError(501, "not-implemented", "Not implemented", detail);
  }
}
