package io.taskq.store.pg;

import io.taskq.error.Conflict;
import io.taskq.error.Invalid;
import io.taskq.error.NotFound;
import io.taskq.error.TaskqException;
import io.taskq.error.Unavailable;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** The one place that turns PostgreSQL failures into domain errors. */
final class PgErrors {

  private PgErrors() {
  }

  /** Foreign keys whose violation means the client named something that does not exist. */
  private static final Map<String, String> MISSING_REFERENCES = Map.of(
      "tasks_project_id_fkey", "project not found",
      "api_keys_project_id_fkey", "project not found");

  static <T> Function<Throwable, Future<T>> translate() {
    return failure -> Future.failedFuture(translate(failure));
  }

  static Throwable translate(Throwable failure) {
    if (failure instanceof TaskqException) {
      return failure;
    }
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      switch (state) {
        case "23505":
          return new Conflict("duplicate", "a live task already holds this identity (" + pg.getConstraint() + ")");
        case "23503": {
          String message = MISSING_REFERENCES.get(pg.getConstraint());
          return message == null ? failure : new NotFound(message);
        }
        case "22P05", "22021":
          // Valid JSON, but text PostgreSQL cannot store: U+0000 in a string (jsonb and text refuse it).
          return new Invalid("a string to be stored holds U+0000 (NUL), which PostgreSQL cannot store: "
              + pg.getErrorMessage(), List.of());
        case "40001", "40P01", "55P03", "57014":
          return new Unavailable("the database asked to retry (" + state + "); retry the request");
        default:
          if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
            return new Unavailable("the database is unavailable (" + state + ")");
          }
          return failure;
      }
    }
    if (failure instanceof IOException || failure instanceof TimeoutException
        || failure instanceof io.vertx.core.http.ConnectionPoolTooBusyException // the pool's bounded wait queue is full
        || isClosedConnection(failure)
        || failure.getClass().getName().startsWith("io.vertx.core.net")
        || failure.getClass().getSimpleName().contains("ClosedConnection")) {
      return new Unavailable("the database is unreachable");
    }
    return failure;
  }

  /**
   * A statement sent on a connection the server has just closed (PostgreSQL stopped or
   * restarted): the SQL client says so only in a plain VertxException's message.
   */
  private static boolean isClosedConnection(Throwable failure) {
    return failure instanceof io.vertx.core.VertxException && failure.getMessage() != null
        && failure.getMessage().startsWith("Connection is not active");
  }
}
