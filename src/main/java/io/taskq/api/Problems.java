package io.taskq.api;

import io.taskq.error.FieldError;
import io.taskq.error.TaskqException;
import io.taskq.error.TooManyRequests;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

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

  static void write(RoutingContext rc, int status, String type, String title, String detail, TaskqException source) {
    HttpServerResponse response = rc.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    JsonObject body = new JsonObject()
        .put("type", type)
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
    if (rc.request() != null) {
      body.put("instance", rc.request().path());
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
    if (source instanceof TooManyRequests tooMany) {
      response.putHeader("Retry-After", Long.toString(tooMany.retryAfterSeconds()));
    } else if (status == 503) {
      response.putHeader("Retry-After", Long.toString(UNAVAILABLE_RETRY_AFTER_SECONDS));
    }
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"taskq\"");
    }
    Responses.send(rc, status, CONTENT_TYPE, io.vertx.core.buffer.Buffer.buffer(body.encode()));
  }
}
