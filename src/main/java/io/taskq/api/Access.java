package io.taskq.api;

import io.taskq.auth.ApiKey;
import io.taskq.auth.ApiKeyService;
import io.taskq.auth.Permission;
import io.taskq.auth.RateLimiter;
import io.taskq.error.Forbidden;
import io.taskq.error.Unauthorized;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authentication ({@code Authorization: Bearer <key>}) and the permission checks of each
 * route. 401: no valid active key; 403: the key lacks the permission or the project.
 */
final class Access {

  private static final String KEY = "taskq.apiKey";

  private Access() {
  }

  /** Resolves the bearer key of the request into the context, or fails the request with 401. */
  static Handler<RoutingContext> authenticate(ApiKeyService keys) {
    return rc -> {
      String header = rc.request().getHeader("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
        rc.fail(new Unauthorized("send an API key as 'Authorization: Bearer <key>'"));
        return;
      }
      String secret = header.substring(7).trim();
      keys.authenticate(secret).onComplete(ar -> {
        if (ar.failed()) {
          rc.fail(ar.cause());
        } else if (ar.result().isEmpty()) {
          rc.fail(new Unauthorized("the API key is unknown or revoked"));
        } else {
          rc.put(KEY, ar.result().get());
          rc.next();
        }
      });
    };
  }

  /** After authentication: the key's rate limit, 429 with Retry-After when it is spent. */
  static Handler<RoutingContext> rateLimit(RateLimiter limiter) {
    return rc -> limiter.admit(key(rc)).onComplete(ar -> {
      if (ar.succeeded()) {
        rc.next();
      } else {
        rc.fail(ar.cause());
      }
    });
  }

  static ApiKey key(RoutingContext rc) {
    return rc.get(KEY);
  }

  static ApiKey require(RoutingContext rc, Permission permission) {
    ApiKey key = key(rc);
    if (!key.allows(permission)) {
      throw new Forbidden("this API key lacks the " + permission.wireName() + " permission");
    }
    return key;
  }

  static ApiKey requireProject(RoutingContext rc, long projectId, Permission permission) {
    ApiKey key = require(rc, permission);
    if (!key.reaches(projectId)) {
      throw new Forbidden("this API key is limited to project " + key.projectId());
    }
    return key;
  }
}
