package io.taskq.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Writing JSON answers, and sending a future's failure to the failure handler. */
final class Responses {

  private Responses() {
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    send(rc, status, "application/json", Buffer.buffer(body.encode()));
  }

  /**
   * Every JSON answer goes out here. Under an Idempotency-Key, the answer is stored first, so
   * that a client who saw it can count on a retry replaying it.
   */
  static void send(RoutingContext rc, int status, String contentType, Buffer body) {
    IdempotencyHandler.Open open = IdempotencyHandler.take(rc);
    Runnable answer = () -> rc.response().setStatusCode(status).putHeader("Content-Type", contentType).end(body);
    if (open == null) {
      answer.run();
    } else {
      open.finish(status, contentType, body).onComplete(ar -> answer.run());
    }
  }

  /** Answers {@code status} with the future's value rendered, or fails the request with its failure. */
  static <T> void reply(RoutingContext rc, Future<T> future, int status, Function<T, JsonObject> render) {
    future.onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      try {
        json(rc, status, render.apply(ar.result()));
      } catch (RuntimeException e) {
        rc.fail(e);
      }
    });
  }
}
