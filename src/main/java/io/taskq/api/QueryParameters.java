package io.taskq.api;

import io.taskq.error.BadRequest;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request's query parameters, read from the raw query string with exact (case-sensitive) names.
 * Vert.x's own query map ignores case and silently keeps repeats, so {@code ?LIMIT=1} and
 * {@code ?q=x} would pass unnoticed. Each route declares the parameters it takes by mounting
 * {@link #only(String...)} (or {@link #none()}) before its handler; an undeclared or repeated
 * parameter is then 400, naming it.
 */
final class QueryParameters {

  private static final String KEY = "taskq.query";
  /** Most requests carry no query: they share this, and allocate nothing. */
  private static final QueryParameters EMPTY = new QueryParameters(Map.of(), Set.of());

  private final Map<String, String> values;
  private final Set<String> repeated;

  private QueryParameters(Map<String, String> values, Set<String> repeated) {
    this.values = values;
    this.repeated = repeated;
  }

  /** A route that takes no query parameters. */
  static Handler<RoutingContext> none() {
    return only();
  }

  /** A route that takes these query parameters, each at most once. */
  static Handler<RoutingContext> only(String... names) {
    Set<String> accepted = Set.of(names);
    return rc -> {
      String raw = rc.request().query();
      if (raw == null || raw.isEmpty()) {
        rc.next();
        return;
      }
      QueryParameters query = of(rc);
      List<String> unknown = query.values.keySet().stream().filter(name -> !accepted.contains(name)).toList();
      if (!unknown.isEmpty()) {
        String takes = names.length == 0 ? "this operation takes no query parameters"
            : "this operation takes " + String.join(", ", names);
        rc.fail(new BadRequest((unknown.size() == 1 ? "unknown query parameter " : "unknown query parameters ")
            + String.join(", ", unknown) + "; " + takes + " (names are case-sensitive)"));
        return;
      }
      if (!query.repeated.isEmpty()) {
        rc.fail(new BadRequest("query parameter " + String.join(", ", query.repeated) + " may be given only once"));
        return;
      }
      rc.next();
    };
  }

  /** The request's parameters, parsed once per request. */
  static QueryParameters of(RoutingContext rc) {
    QueryParameters query = rc.get(KEY);
    if (query == null) {
      query = parse(rc.request().query());
      rc.put(KEY, query);
    }
    return query;
  }

  /** A parameter's value; null when it is absent or empty. */
  String get(String name) {
    String value = values.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  /**
   * Reads {@code name=value} pairs separated by '&amp;' ('+' is a space, as browsers and HTTP
   * clients write queries); 400 for malformed percent-encoding, bytes that are not UTF-8, and
   * U+0000, which no filter can match and PostgreSQL cannot take.
   */
  static QueryParameters parse(String raw) {
    if (raw == null || raw.isEmpty()) {
      return EMPTY;
    }
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> repeated = new LinkedHashSet<>();
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals), null);
      if (name.isEmpty()) {
        throw new BadRequest("a query parameter has no name");
      }
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1), name);
      if (values.putIfAbsent(name, value) != null) {
        repeated.add(name);
      }
    }
    return new QueryParameters(values, repeated);
  }

  /** {@code parameter} is null while its own name is decoded. */
  private static String decode(String raw, String parameter) {
    String what = parameter == null ? "a query parameter name" : "query parameter " + parameter;
    String text;
    try {
      text = StrictText.percentDecoded(raw, true);
    } catch (StrictText.Unreadable e) {
      throw new BadRequest(what + " " + e.getMessage());
    }
    if (text.indexOf('\u0000') >= 0) {
      throw new BadRequest(what + " must not contain NUL characters (%00)");
    }
    return text;
  }
}
