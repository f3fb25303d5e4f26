package io.taskq.api;

import io.vertx.ext.web.Router;

/**
 * GET /api-key: the key this request is made with (never its secret), for any valid key. The
 * dashboard reads it after sign-in to learn the key's permissions and project, and shows only the
 * actions the key may take (the server refuses the others anyway).
 */
final class KeySelfRoutes {

  private KeySelfRoutes() {
  }

  static void mount(Router router) {
    router.get("/api-key").handler(QueryParameters.none()).handler(rc -> Responses.json(rc, 200, Representations.apiKey(Access.key(rc))));
  }
}
