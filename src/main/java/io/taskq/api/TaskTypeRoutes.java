package io.taskq.api;

import io.taskq.auth.Permission;
import io.taskq.error.FieldError;
import io.taskq.queue.TaskTypeName;
import io.taskq.queue.TaskTypeService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * POST /task-types (admin): 201 new, 200 the same again, 409 different. GET /task-types.
 * PATCH /task-types/{typeName}/versions/{version} (admin): turns a version on or off for new tasks.
 */
final class TaskTypeRoutes {

  private final TaskTypeService types;

  TaskTypeRoutes(TaskTypeService types) {
    this.types = types;
  }

  void mount(Router router) {
    router.post("/task-types").handler(QueryParameters.none()).handler(this::register);
    router.get("/task-types").handler(QueryParameters.none()).handler(this::list);
    router.patch("/task-types/:typeName/versions/:version").handler(QueryParameters.none()).handler(this::setActive);
  }

  private void register(RoutingContext rc) {
    Access.require(rc, Permission.ADMIN);
    List<FieldError> errors = new ArrayList<>();
    Fields body = Fields.of(Fields.body(rc), errors);
    String name = body.name("name", true, 200);
    if (name != null && !TaskTypeName.isValid(name)) {
      body.fault("name", "name must start with a letter or digit and use only letters, digits and _ . : / -");
    }
    String version = TypeVersionField.read(body, "version", true);
    JsonObject schema = body.storableObject("param_schema", true);
    Integer maxAttempts = body.integer("max_attempts", false, 1, 1000);
    Integer leaseSeconds = body.integer("lease_seconds", false, 1, 86_400);
    Optional<Optional<Integer>> maxConcurrency = body.has("max_concurrency")
        ? Optional.of(Optional.ofNullable(body.integer("max_concurrency", false, 1, 1_000_000)))
        : Optional.empty();
    body.rejectUnknown();
    body.throwIfInvalid();
    types.register(name, version, schema, maxAttempts, leaseSeconds, maxConcurrency).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        Responses.json(rc, ar.result().created() ? 201 : 200, Representations.taskType(ar.result().type()));
      }
    });
  }

  private void setActive(RoutingContext rc) {
    Access.require(rc, Permission.ADMIN);
    // Vert.x decodes path parameters as URI components: %2F is '/', '+' stays '+'.
    String name = rc.pathParam("typeName");
    String version = rc.pathParam("version");
    List<FieldError> errors = new ArrayList<>();
    Fields body = Fields.of(Fields.body(rc), errors);
    Object active = body.any("active");
    if (!(active instanceof Boolean)) {
      body.fault("active", active == null ? "active is required" : "active must be true or false");
    }
    body.rejectUnknown();
    body.throwIfInvalid();
    Responses.reply(rc, types.setActive(name, version, (Boolean) active), 200, Representations::taskType);
  }

  private void list(RoutingContext rc) {
    Responses.reply(rc, types.list(), 200, all -> Representations.page(all, Representations::taskType, null));
  }
}
