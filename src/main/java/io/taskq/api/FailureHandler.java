package io.taskq.api;

import io.taskq.error.BadRequest;
import io.taskq.error.HttpProtocolError;
import io.taskq.error.InternalFault;
import io.taskq.error.PayloadTooLarge;
import io.taskq.error.TaskqException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure into a problem document. Domain errors speak for themselves; Vert.x
 * HTTP errors (body too large, no route) keep their status; anything else is a 500 that is
 * logged with its cause and shown to the client without internals.
 */
final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = Logger.getLogger(FailureHandler.class.getName());

  @Override
  public void handle(RoutingContext rc) {
    Throwable failure = rc.failure();
    if (failure instanceof TaskqException e) {
      Problems.write(rc, e);
      return;
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : rc.statusCode();
    if (status == 413) {
      Problems.write(rc, new PayloadTooLarge("the body is larger than this endpoint accepts"));
      return;
    }
    if (status >= 400 && status < 500) {
      Problems.write(rc, HttpProtocolError.clientError(status, reason(status)));
      return;
    }
    if (bodyBrokeOff(rc, failure)) {
      // The body broke off before its end (a reset, or chunked framing the decoder refused): the
      // client's doing, not a fault to log. Vert.x closes the connection, usually before this is sent.
      LOG.log(Level.FINE, "request body unreadable on " + rc.request().method() + " " + rc.request().path(), failure);
      Problems.write(rc, new BadRequest("the request body could not be read to its end"));
      return;
    }
    LOG.log(Level.SEVERE, "unhandled failure on " + rc.request().method() + " " + rc.request().path(), failure);
    Problems.write(rc, new InternalFault());
  }

  /**
   * Whether the failure is the transport's, while the body was still arriving. Only I/O and
   * decoder failures count: a bug of ours on a request whose body Vert.x never waited for (a POST
   * without one) must stay a logged 500, not pass for the client's fault.
   */
  private static boolean bodyBrokeOff(RoutingContext rc, Throwable failure) {
    return !rc.request().isEnded() && (failure instanceof java.io.IOException
        || failure instanceof io.netty.handler.codec.DecoderException
        || failure instanceof io.vertx.core.http.HttpClosedException);
  }

  static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 406 -> "Not acceptable";
      case 413 -> "Payload too large";
      case 415 -> "Unsupported media type";
      default -> "Client error";
    };
  }
}
