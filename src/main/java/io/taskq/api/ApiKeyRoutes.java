package io.taskq.api;

import io.taskq.auth.ApiKeyService;
import io.taskq.auth.Permission;
import io.taskq.error.FieldError;
import io.taskq.error.NotFound;
import io.taskq.queue.ProjectService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** POST /api-keys (secret shown once, never stored, so never replayed), GET /api-keys (never secrets), DELETE /api-keys/{id}; all admin. */
final class ApiKeyRoutes {

  private static final String SECRET = "secret";

  private final ApiKeyService keys;
  private final ProjectService projects;

  ApiKeyRoutes(ApiKeyService keys, ProjectService projects) {
    this.keys = keys;
    this.projects = projects;
  }

  void mount(Router router) {
    router.post("/api-keys").handler(QueryParameters.none()).handler(this::issue);
    router.get("/api-keys").handler(QueryParameters.none()).handler(this::list);
    router.delete("/api-keys/:keyId").handler(QueryParameters.none()).handler(this::revoke);
  }

  private void issue(RoutingContext rc) {
    Access.require(rc, Permission.ADMIN);
    List<FieldError> errors = new ArrayList<>();
    Fields body = Fields.of(Fields.body(rc), errors);
    String name = body.name("name", true, 200);
    Integer projectId = null;
    Object rawProject = body.any("project_id");
    if (rawProject != null) {
      projectId = body.integer("project_id", false, 1, Integer.MAX_VALUE);
    }
    Set<Permission> permissions = EnumSet.noneOf(Permission.class);
    List<String> names = body.strings("permissions", 4, 32);
    if (names == null && errors.stream().noneMatch(e -> e.pointer().equals("/permissions"))) {
      body.fault("permissions", "permissions is required: a list of admin, tasks:read, tasks:write, tasks:claim");
    } else if (names != null) {
      for (String n : names) {
        Permission.fromWire(n).ifPresentOrElse(permissions::add,
            () -> body.fault("permissions", "unknown permission " + n + "; use admin, tasks:read, tasks:write or tasks:claim"));
      }
      if (names.isEmpty()) {
        body.fault("permissions", "permissions must name at least one permission");
      }
    }
    Integer rateLimit = body.integer("rate_limit_per_minute", false, 1, 1_000_000);
    body.rejectUnknown();
    body.throwIfInvalid();
    Long scope = projectId == null ? null : projectId.longValue();
    Future<Void> projectExists = scope == null ? Future.succeededFuture() : projects.requireExisting(scope);
    // The secret is shown in this answer only: a replay under the same Idempotency-Key answers without it.
    Responses.reply(rc, projectExists.compose(v -> keys.issue(name, scope, permissions, rateLimit)), 201,
        issued -> Representations.apiKey(issued.key()).put(SECRET, issued.secret()), Set.of(SECRET));
  }

  private void list(RoutingContext rc) {
    Access.require(rc, Permission.ADMIN);
    Responses.reply(rc, keys.list(), 200, all -> Representations.page(all, Representations::apiKey, null));
  }

  private void revoke(RoutingContext rc) {
    Access.require(rc, Permission.ADMIN);
    UUID id = PathIds.uuid(rc, "keyId", "API key");
    keys.revoke(id).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else if (!ar.result()) {
        rc.fail(new NotFound("API key " + id + " not found"));
      } else {
        rc.response().setStatusCode(204).end();
      }
    });
  }
}
