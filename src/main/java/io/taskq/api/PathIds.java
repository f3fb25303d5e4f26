package io.taskq.api;

import io.taskq.error.NotFound;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Ids in paths. An id has one spelling: canonical ASCII decimal ({@code [1-9][0-9]{0,18}}, at
 * most Long.MAX_VALUE), because Long.parseLong also takes '+', leading zeros and other scripts'
 * digits (fullwidth '１' read as task 1). Any other spelling cannot name anything: 404.
 */
final class PathIds {

  private static final String MAX = Long.toString(Long.MAX_VALUE);
  /** 8-4-4-4-12 hex digits, in either case; UUID.fromString alone also takes "1-1-1-1-1" and '+'. */
  private static final Pattern UUID_TEXT = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private PathIds() {
  }

  static long projectId(RoutingContext rc) {
    return positive(rc.pathParam("projectId"), "project");
  }

  static long taskId(RoutingContext rc) {
    return positive(rc.pathParam("taskId"), "task");
  }

  /** Another id of the path, {@code what} naming it in a 404. */
  static long id(RoutingContext rc, String name, String what) {
    return positive(rc.pathParam(name), what);
  }

  static UUID uuid(RoutingContext rc, String name, String what) {
    String raw = rc.pathParam(name);
    if (raw == null || !UUID_TEXT.matcher(raw).matches()) {
      throw new NotFound(what + " " + shown(raw) + " not found");
    }
    return UUID.fromString(raw);
  }

  /**
   * The value of a canonical non-negative decimal ("0", or no leading zero, ASCII digits only,
   * at most Long.MAX_VALUE), or -1 when {@code raw} is anything else.
   */
  static long canonical(String raw) {
    if (raw == null || raw.isEmpty() || raw.length() > MAX.length() || (raw.length() > 1 && raw.charAt(0) == '0')) {
      return -1;
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    if (raw.length() == MAX.length() && raw.compareTo(MAX) > 0) {
      return -1;
    }
    return Long.parseLong(raw);
  }

  private static long positive(String raw, String what) {
    long id = canonical(raw);
    if (id < 1) {
      throw new NotFound(what + " " + shown(raw) + " not found");
    }
    return id;
  }

  /** Echoes a short id as sent; a long one is cut, so a 404 never repeats kilobytes of path. */
  private static String shown(String raw) {
    if (raw == null) {
      return "";
    }
    return raw.codePointCount(0, raw.length()) <= 40 ? raw : raw.substring(0, raw.offsetByCodePoints(0, 40)) + "...";
  }
}
