package io.taskq.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Function;

/** Writing JSON answers, and sending a future's failure to the failure handler. */
final class Responses {

  private Responses() {
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    json(rc, status, body, Set.of());
  }

  /**
   * A JSON answer with fields that hold secrets: the client gets them, but what an
   * Idempotency-Key keeps for replays is the answer without them, so that a secret is shown
   * once and stored nowhere.
   */
  static void json(RoutingContext rc, int status, JsonObject body, Set<String> secretFields) {
    Buffer full = Buffer.buffer(body.encode());
    if (secretFields.isEmpty()) {
      send(rc, status, "application/json", full, full);
      return;
    }
    JsonObject kept = body.copy();
    secretFields.forEach(kept::remove);
    send(rc, status, "application/json", full, Buffer.buffer(kept.encode()));
  }

  /** A JSON answer already encoded (the hot path's tasks, see TaskJson). */
  static void json(RoutingContext rc, int status, Buffer body) {
    send(rc, status, "application/json", body, body);
  }

  /**
   * Every JSON answer goes out here. Under an Idempotency-Key, the answer is stored first, so
   * that a client who saw it can count on a retry replaying it.
   */
  static void send(RoutingContext rc, int status, String contentType, Buffer body) {
    send(rc, status, contentType, body, body);
  }

  /** As above, keeping {@code kept} (the answer less its secrets) for replays. */
  private static void send(RoutingContext rc, int status, String contentType, Buffer body, Buffer kept) {
    IdempotencyHandler.Open open = IdempotencyHandler.take(rc);
    Runnable answer = () -> rc.response().setStatusCode(status).putHeader("Content-Type", contentType).end(body);
    if (open == null) {
      answer.run();
    } else {
      open.finish(status, contentType, kept).onComplete(ar -> answer.run());
    }
  }

  /** Answers {@code status} with the future's value rendered, or fails the request with its failure. */
  static <T> void reply(RoutingContext rc, Future<T> future, int status, Function<T, JsonObject> render) {
    reply(rc, future, status, render, Set.of());
  }

  /** Answers {@code status} with the future's value already encoded, or fails the request with its failure. */
  static <T> void replyEncoded(RoutingContext rc, Future<T> future, int status, Function<T, Buffer> encode) {
    future.onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      try {
        json(rc, status, encode.apply(ar.result()));
      } catch (RuntimeException e) {
        rc.fail(e);
      }
    });
  }

  /** As above, with the fields of the answer that hold secrets (see {@link #json(RoutingContext, int, JsonObject, Set)}). */
  static <T> void reply(RoutingContext rc, Future<T> future, int status, Function<T, JsonObject> render, Set<String> secretFields) {
    future.onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      try {
        json(rc, status, render.apply(ar.result()), secretFields);
      } catch (RuntimeException e) {
        rc.fail(e);
      }
    });
  }
}
