package io.taskq.api;

import io.taskq.error.HttpProtocolError;
import io.taskq.error.NotFound;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The operator's dashboard: static files from the jar's {@code ui/} at {@code /ui/}, and
 * {@code /} sent there. Mounted before authentication: the pages are the sign-in page and hold no
 * data; everything they show comes from the API with the key the operator signs in with.
 * The pages are not part of the OpenAPI contract, which describes the API.
 */
final class DashboardRoutes {

  static final String PREFIX = "/ui/";

  /**
   * Only the dashboard's own files: no inline script or style, no other origin, not framed. The
   * libraries (uPlot, dagre) are served from {@code /ui/vendor/} like the rest.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private DashboardRoutes() {
  }

  static void mount(Router router) {
    // 302, not 308: browsers keep a permanent redirect for good, and "/" may serve something else one day.
    router.route("/").handler(rc -> redirect(rc, PREFIX));
    // Vert.x matches "/ui" to "/ui/" as well: only the bare name is sent on (relative links need the slash).
    router.route("/ui").handler(rc -> {
      if (rc.request().path().equals("/ui")) {
        redirect(rc, PREFIX);
      } else {
        rc.next();
      }
    });
    router.route(PREFIX + "*").handler(DashboardRoutes::readOnly);
    router.route(PREFIX + "*").handler(StaticHandler.create("ui")
        .setIndexPage("index.html")
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setCachingEnabled(true)
        .setDefaultContentEncoding("UTF-8"));
    // A file that is not there: not an API path either, so 404 here rather than 401 further on.
    router.route(PREFIX + "*").handler(rc -> Problems.write(rc, new NotFound("no dashboard file at " + rc.request().path())));
  }

  private static void redirect(RoutingContext rc, String location) {
    if (rc.request().method() != HttpMethod.GET) {
      methodNotAllowed(rc);
      return;
    }
    rc.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location).putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").end();
  }

  /** GET (and HEAD, which arrives here as a GET) only; every answer carries the dashboard's headers. */
  private static void readOnly(RoutingContext rc) {
    if (rc.request().method() != HttpMethod.GET) {
      methodNotAllowed(rc);
      return;
    }
    rc.addHeadersEndHandler(v -> securityHeaders(rc.response()));
    rc.next();
  }

  private static void methodNotAllowed(RoutingContext rc) {
    rc.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
    Problems.write(rc, HttpProtocolError.methodNotAllowed(rc.request().method().name() + " is not allowed on " + rc.request().path()));
  }

  /**
   * Revalidated on every load (no-cache with Last-Modified: a 304 when unchanged), so a new taskq
   * version's pages are never mixed with an older version's scripts from the browser's cache.
   */
  private static void securityHeaders(HttpServerResponse response) {
    response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.putHeader("X-Content-Type-Options", "nosniff");
    response.putHeader("Referrer-Policy", "no-referrer");
    response.putHeader("X-Frame-Options", "DENY");
    response.putHeader("Cross-Origin-Opener-Policy", "same-origin");
  }
}
