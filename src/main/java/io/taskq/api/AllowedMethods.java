package io.taskq.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Which methods each path of the API answers, read from the OpenAPI document (the list a 405's
 * {@code Allow} header gives). HEAD is allowed wherever GET is. Matching is segment by segment,
 * with no regular expressions, because it runs on every request.
 */
final class AllowedMethods {

  /** The methods of RFC 9110; anything else is a method taskq does not implement (501). */
  private static final Set<String> KNOWN = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
      "PATCH");
  private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  /**
   * The templates by their number of segments, in document order within each: a path is tried
   * only against templates as long as itself (one of about ten, instead of every documented path).
   */
  private final PathTemplate[][] bySegments;

  private AllowedMethods(List<PathTemplate> templates) {
    int longest = templates.stream().mapToInt(t -> t.segments().length).max().orElse(0);
    bySegments = new PathTemplate[longest + 1][];
    for (int n = 0; n <= longest; n++) {
      int segments = n;
      bySegments[n] = templates.stream().filter(t -> t.segments().length == segments).toArray(PathTemplate[]::new);
    }
  }

  static boolean isKnown(HttpMethod method) {
    return KNOWN.contains(method.name());
  }

  @SuppressWarnings("unchecked")
  static AllowedMethods fromContract(Buffer yaml) {
    Map<String, Object> document = new Yaml(new LoaderOptions()).load(yaml.toString());
    Map<String, Object> paths = (Map<String, Object>) document.get("paths");
    List<PathTemplate> templates = new ArrayList<>();
    paths.forEach((path, item) -> {
      Set<String> methods = new LinkedHashSet<>();
      for (String key : ((Map<String, Object>) item).keySet()) {
        if (OPERATIONS.contains(key)) {
          methods.add(key.toUpperCase(Locale.ROOT));
        }
      }
      if (methods.isEmpty()) {
        return; // a path item this reading does not understand (a $ref): the router decides alone
      }
      if (methods.contains("GET")) {
        methods.add("HEAD");
      }
      templates.add(PathTemplate.of(path, String.join(", ", methods), methods));
    });
    return new AllowedMethods(List.copyOf(templates));
  }

  /** The {@code Allow} value for a path, or null when no documented path matches it. */
  String allow(String path) {
    PathTemplate template = match(path);
    return template == null ? null : template.allow();
  }

  /** The documented path template a path matches ({@code /projects/{projectId}/tasks:claim}), or null. */
  String route(String path) {
    PathTemplate template = match(path);
    return template == null ? null : template.path();
  }

  /** True when the path is documented but not for this method: a 405. */
  boolean refuses(HttpMethod method, String path) {
    PathTemplate template = match(path);
    return template != null && !template.methods().contains(method.name());
  }

  /** Walks the path in place, without splitting it: this runs on every request, before routing. */
  private PathTemplate match(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      return null;
    }
    int segments = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        segments++;
      }
    }
    if (segments >= bySegments.length) {
      return null;
    }
    for (PathTemplate template : bySegments[segments]) {
      if (template.matches(path)) {
        return template;
      }
    }
    return null;
  }

  /**
   * One documented path, parsed into segments once at load: each a literal ({@code tasks:claim}),
   * a parameter ({@code {taskId}}) or a parameter with an action ({@code {taskId}:cancel}).
   */
  private record PathTemplate(String path, Segment[] segments, String allow, Set<String> methods) {

    static PathTemplate of(String path, String allow, Set<String> methods) {
      String[] parts = path.substring(1).split("/", -1);
      Segment[] segments = new Segment[parts.length];
      for (int i = 0; i < parts.length; i++) {
        segments[i] = Segment.of(parts[i]);
      }
      return new PathTemplate(path, segments, allow, methods);
    }

    /** {@code path} starts with '/'. */
    boolean matches(String path) {
      int start = 1;
      for (int i = 0; i < segments.length; i++) {
        int slash = path.indexOf('/', start);
        boolean last = i == segments.length - 1;
        if (last != (slash < 0)) {
          return false;
        }
        int end = last ? path.length() : slash;
        if (!segments[i].matches(path, start, end)) {
          return false;
        }
        start = end + 1;
      }
      return true;
    }
  }

  /** A literal segment ({@code parameter} false), or a parameter followed by {@code text} (an action or nothing). */
  private record Segment(boolean parameter, String text) {

    static Segment of(String template) {
      if (template.isEmpty() || template.charAt(0) != '{') {
        return new Segment(false, template);
      }
      return new Segment(true, template.substring(template.indexOf('}') + 1));
    }

    /** A parameter fills a segment up to any ':' (ids never hold one), so {taskId} does not match "7:cancel". */
    boolean matches(String path, int start, int end) {
      if (!parameter) {
        return end - start == text.length() && path.regionMatches(start, text, 0, text.length());
      }
      int valueEnd = end - text.length();
      if (valueEnd <= start || !path.regionMatches(valueEnd, text, 0, text.length())) {
        return false;
      }
      int colon = path.indexOf(':', start);
      return colon < 0 || colon >= valueEnd;
    }
  }
}
