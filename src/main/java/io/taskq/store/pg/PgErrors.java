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

/**
 * The one place that turns PostgreSQL failures into domain errors. Clients read only the
 * messages written here: never PostgreSQL's own text, SQL, or the names of constraints.
 *
 * <p>A refusal of the content (data exceptions, class 22; integrity violations, 23; values
 * beyond a limit, such as an index entry too large, 54) becomes {@link Invalid},
 * {@link Conflict} or {@link NotFound}: one item's data, not the database's state, and so
 * what {@link io.taskq.store.TaskStore#refusedForContent} tells batch callers to isolate.
 * Connection and availability failures become {@link Unavailable}, never one of those.
 */
final class PgErrors {

  private PgErrors() {
  }

  /** Foreign keys whose violation means the client named something that does not exist. */
  private static final Map<String, String> MISSING_REFERENCES = Map.of(
      "tasks_project_id_fkey", "project not found",
      "api_keys_project_id_fkey", "project not found");

  /** What a unique violation means, by constraint or unique index. */
  private static final Map<String, String> DUPLICATES = Map.of(
      "tasks_project_external_id_key", "a task with this external_id already exists",
      "tasks_project_live_dedupe_key", "a live task already holds this dedupe_key",
      "task_types_name_version_key", "this version of the task type is already registered");

  static <T> Function<Throwable, Future<T>> translate() {
    return failure -> Future.failedFuture(translate(failure));
  }

  static Throwable translate(Throwable failure) {
    if (failure instanceof TaskqException) {
      return failure;
    }
    if (failure instanceof PgException pg) {
      return translate(pg);
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

  private static Throwable translate(PgException pg) {
    String state = pg.getSqlState() == null ? "" : pg.getSqlState();
    switch (state) {
      case "23505":
        return new Conflict("duplicate", DUPLICATES.getOrDefault(pg.getConstraint(), "it conflicts with something that already exists"));
      case "23503":
      {
        String missing = MISSING_REFERENCES.get(pg.getConstraint());
        return missing != null ? new NotFound(missing) : refused("a value refers to something that does not exist");
      }
      case "22P05", "22021":
        // Valid JSON, but text PostgreSQL cannot store: U+0000 in a string (jsonb and text refuse it).
        return refused("a string to be stored holds U+0000 (NUL), which cannot be stored");
      case "40001", "40P01", "55P03", "57014":
        return new Unavailable("the database asked to retry; retry the request");
      default:
        break;
    }
    if (state.startsWith("22")) {
      return refused("a value is out of the range or form that can be stored");
    }
    if (state.startsWith("23")) {
      return refused("a value breaks a rule of the stored data");
    }
    if (state.startsWith("54")) {
      return refused("a value is too large to be stored or indexed");
    }
    if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
      return new Unavailable("the database is unavailable");
    }
    return pg; // not the client's doing: a 500, logged with its cause by the failure handler
  }

  private static Invalid refused(String message) {
    return new Invalid(message, List.of());
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
