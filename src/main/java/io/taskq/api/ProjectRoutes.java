package io.taskq.api;

import io.taskq.auth.ApiKey;
import io.taskq.auth.Permission;
import io.taskq.error.FieldError;
import io.taskq.error.Forbidden;
import io.taskq.error.NotFound;
import io.taskq.queue.ProjectService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/** POST /projects (admin), GET /projects, GET /projects/{projectId}. */
final class ProjectRoutes {

  private final ProjectService projects;

  ProjectRoutes(ProjectService projects) {
    this.projects = projects;
  }

  void mount(Router router) {
    router.post("/projects").handler(QueryParameters.none()).handler(this::create);
    router.get("/projects").handler(QueryParameters.none()).handler(this::list);
    router.get("/projects/:projectId").handler(QueryParameters.none()).handler(this::get);
  }

  private void create(RoutingContext rc) {
    Access.require(rc, Permission.ADMIN);
    List<FieldError> errors = new ArrayList<>();
    Fields body = Fields.of(Fields.body(rc), errors);
    String name = body.name("name", true, 200);
    body.rejectUnknown();
    body.throwIfInvalid();
    Responses.reply(rc, projects.create(name), 201, Representations::project);
  }

  /** Every project for an unscoped key; a scoped key sees its own. */
  private void list(RoutingContext rc) {
    ApiKey key = Access.key(rc);
    Responses.reply(rc, projects.list(), 200, all -> Representations.page(
        all.stream().filter(p -> key.reaches(p.id())).toList(), Representations::project, null));
  }

  private void get(RoutingContext rc) {
    long id = PathIds.projectId(rc);
    if (!Access.key(rc).reaches(id)) {
      throw new Forbidden("this API key is limited to project " + Access.key(rc).projectId());
    }
    Responses.reply(rc, projects.find(id), 200,
        p -> Representations.project(p.orElseThrow(() -> new NotFound("project " + id + " not found"))));
  }
}
