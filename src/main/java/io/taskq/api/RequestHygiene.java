package io.taskq.api;

import io.taskq.error.BadRequest;
import io.taskq.error.TaskqException;
import io.taskq.error.UnsupportedMediaType;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * The first handler of every request: what must be readable before any route looks at it. The
 * request target is strictly percent-decoded and UTF-8 (Vert.x would repair it quietly), headers
 * used as data are UTF-8, and a body is JSON by its Content-Type. It runs before the body is
 * read, so a form or multipart body is never decoded: Vert.x's BodyHandler would turn one into
 * form attributes and an empty body, which reads as "no parameters" (a multipart
 * {@code queue:pause} once paused a whole project).
 */
final class RequestHygiene implements Handler<RoutingContext> {

  /** Headers whose text is used as data: a key looked up, a value stored. */
  private static final List<String> DATA_HEADERS = List.of("Authorization", IdempotencyHandler.HEADER);

  @Override
  public void handle(RoutingContext rc) {
    try {
      HttpServerRequest request = rc.request();
      readablePath(request.path());
      QueryParameters.of(rc);
      readableHeaders(request);
      jsonBodyOnly(request);
    } catch (TaskqException e) {
      rc.fail(e);
      return;
    }
    rc.next();
  }

  private static void readablePath(String path) {
    if (path == null) {
      return;
    }
    try {
      StrictText.percentDecoded(path, false);
    } catch (StrictText.Unreadable e) {
      throw new BadRequest("the path " + e.getMessage());
    }
  }

  private static void readableHeaders(HttpServerRequest request) {
    for (String name : DATA_HEADERS) {
      for (String value : request.headers().getAll(name)) {
        if (StrictText.headerValue(value).isEmpty()) {
          throw new BadRequest("the " + name + " header is not valid UTF-8");
        }
      }
    }
  }

  /** A request with a body names it JSON; one without a body needs no Content-Type. */
  private static void jsonBodyOnly(HttpServerRequest request) {
    if (!carriesBody(request)) {
      return;
    }
    List<String> types = request.headers().getAll("Content-Type");
    if (types.isEmpty()) {
      throw unsupported("no Content-Type");
    }
    if (types.size() > 1) {
      throw unsupported("Content-Type given " + types.size() + " times");
    }
    if (!JsonMediaType.accepts(types.get(0))) {
      throw unsupported("Content-Type " + printable(types.get(0)));
    }
  }

  private static boolean carriesBody(HttpServerRequest request) {
    if (request.headers().contains("Transfer-Encoding")) {
      return true;
    }
    String length = request.getHeader("Content-Length");
    if (length == null) {
      return false;
    }
    try {
      return Long.parseLong(length.trim()) > 0;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static UnsupportedMediaType unsupported(String got) {
    return new UnsupportedMediaType("a body must be JSON, sent with Content-Type: application/json (or "
        + "application/<name>+json; a charset, if given, utf-8); this request has " + got);
  }

  /** The header as sent, when it is short printable ASCII; otherwise not echoed. */
  private static String printable(String value) {
    boolean plain = value.length() <= 100 && value.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    return plain ? "'" + value + "'" : "(not shown)";
  }

  /** {@code application/json} or {@code application/<name>+json}, with RFC 9110 parameters. */
  static final class JsonMediaType {

    private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";

    private JsonMediaType() {
    }

    static boolean accepts(String header) {
      if (header.equals("application/json")) {
        return true; // what nearly every client sends: no split, no lowercasing
      }
      String[] parts = header.split(";", -1);
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      if (!type.startsWith("application/")) {
        return false;
      }
      String subtype = type.substring("application/".length());
      boolean json = subtype.equals("json")
          || (subtype.endsWith("+json") && subtype.length() > "+json".length() && isToken(subtype));
      if (!json) {
        return false;
      }
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].trim();
        if (parameter.isEmpty()) {
          continue; // "application/json;" is allowed by the grammar
        }
        int equals = parameter.indexOf('=');
        if (equals <= 0 || !isToken(parameter.substring(0, equals).trim())) {
          return false;
        }
        String value = unquoted(parameter.substring(equals + 1).trim());
        if (value == null) {
          return false;
        }
        if (parameter.substring(0, equals).trim().equalsIgnoreCase("charset") && !value.equalsIgnoreCase("utf-8")) {
          return false;
        }
      }
      return true;
    }

    /** A token as is, a quoted string without its quotes, or null when it is neither. */
    private static String unquoted(String value) {
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        return value.substring(1, value.length() - 1);
      }
      return isToken(value) ? value : null;
    }

    private static boolean isToken(String s) {
      if (s.isEmpty()) {
        return false;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || TOKEN_CHARS.indexOf(c) >= 0;
        if (!ok) {
          return false;
        }
      }
      return true;
    }
  }
}
