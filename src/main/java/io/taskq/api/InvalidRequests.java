package io.taskq.api;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.taskq.error.BadRequest;
import io.taskq.error.HttpProtocolError;
import io.taskq.error.TaskqException;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests whose head could not be parsed (Vert.x's invalid-request hook): answered with a
 * problem instead of an empty body, then the connection closes, since nothing after a broken
 * head can be framed.
 */
final class InvalidRequests {

  /** Vert.x's defaults, named here because the answers quote them. */
  static final int MAX_REQUEST_LINE = 4096;
  static final int MAX_HEADER_SIZE = 8192;

  private InvalidRequests() {
  }

  static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    TaskqException error;
    if (cause instanceof TooLongHttpLineException) {
      error = HttpProtocolError.uriTooLong("the request line is longer than " + MAX_REQUEST_LINE + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = HttpProtocolError.headersTooLarge("the request's header fields are larger than " + MAX_HEADER_SIZE + " bytes");
    } else {
      error = new BadRequest("the request line or a header field is malformed");
    }
    Problems.writeAndClose(request, null, error);
  }
}
