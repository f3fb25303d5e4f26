package io.taskq.api;

import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.taskq.error.TaskqException;
import io.taskq.error.TooManyRequests;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;

/** The one writer of {@code application/problem+json} (RFC 9457). */
final class Problems {

  static final String CONTENT_TYPE = "application/problem+json";

  /**
   * Every 503 says when to come back: an overloaded instance sheds for about that long, and a
   * database restart takes about that long to be noticed by a fresh connection.
   */
  static final long UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

  private Problems() {
  }

  static void write(RoutingContext rc, TaskqException e) {
    write(rc, e.status(), e.type(), e.title(), e.detail(), e);
  }

  private static void write(RoutingContext rc, int status, String type, String title, String detail, TaskqException source) {
    HttpServerResponse response = rc.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    JsonObject body = document(status, type, title, detail, rc.request() == null ? null : rc.request().path(), source);
    if (source instanceof TooManyRequests tooMany) {
      response.putHeader("Retry-After", Long.toString(tooMany.retryAfterSeconds()));
    } else if (status == 503) {
      response.putHeader("Retry-After", Long.toString(UNAVAILABLE_RETRY_AFTER_SECONDS));
    }
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"taskq\"");
    }
    Responses.send(rc, status, CONTENT_TYPE, Buffer.buffer(body.encode()));
  }

  /**
   * For answers given outside the router (a head that could not be parsed, a body that never
   * arrived): the same document, after which the connection closes, since what follows on it
   * can no longer be framed or trusted.
   */
  static void writeAndClose(HttpServerRequest request, String instance, TaskqException e) {
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      request.connection().close();
      return;
    }
    Buffer body = Buffer.buffer(document(e.status(), e.type(), e.title(), e.detail(), instance, e).encode());
    response.setStatusCode(e.status())
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("Connection", "close")
        .end(body)
        .onComplete(ar -> request.connection().close());
  }

  /** The document of {@code e} without {@code instance}: a batch item's problem inside a response. */
  static JsonObject document(TaskqException e) {
    return document(e.status(), e.type(), e.title(), e.detail(), null, e);
  }

  private static JsonObject document(int status, String type, String title, String detail, String instance,
      TaskqException source) {
    JsonObject body = new JsonObject()
        .put("type", type)
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
    if (instance != null) {
      body.put("instance", instance);
    }
    if (source != null && !source.errors().isEmpty()) {
      JsonArray errors = new JsonArray();
      for (FieldError error : source.errors()) {
        JsonObject item = new JsonObject();
        if (error.pointer() != null) {
          item.put("pointer", error.pointer());
        }
        if (error.index() != null) {
          item.put("index", error.index());
        }
        errors.add(item.put("message", error.message()));
      }
      body.put("errors", errors);
    }
    if (source instanceof Invalid invalid && invalid.cycle() != null) {
      body.put("cycle", new JsonArray(new ArrayList<Object>(invalid.cycle())));
    }
    return body;
  }
}
