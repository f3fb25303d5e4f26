package io.taskq.api;

import io.taskq.error.NotFound;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Ids in paths. An id that cannot exist (not a positive number, not a UUID) is simply not found. */
final class PathIds {

  private PathIds() {
  }

  static long projectId(RoutingContext rc) {
    return positive(rc.pathParam("projectId"), "project");
  }

  static long taskId(RoutingContext rc) {
    return positive(rc.pathParam("taskId"), "task");
  }

  static UUID uuid(RoutingContext rc, String name, String what) {
    String raw = rc.pathParam(name);
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new NotFound(what + " " + raw + " not found");
    }
  }

  private static long positive(String raw, String what) {
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // falls through to not found
    }
    throw new NotFound(what + " " + raw + " not found");
  }
}
