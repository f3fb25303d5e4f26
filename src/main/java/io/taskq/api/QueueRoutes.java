package io.taskq.api;

import io.taskq.auth.Permission;
import io.taskq.queue.PausedQueues;
import io.taskq.queue.ProjectService;
import io.taskq.queue.QueueControl;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.function.BiFunction;

/** Pause and resume of a project's queues: POST .../queue:pause, POST .../queue:resume, GET .../queue. */
final class QueueRoutes {

  private static final String QUEUE = "/projects/(?<projectId>[^/]+)/queue";

  private final QueueControl queues;
  private final ProjectService projects;

  QueueRoutes(QueueControl queues, ProjectService projects) {
    this.queues = queues;
    this.projects = projects;
  }

  void mount(Router router) {
    router.postWithRegex(QUEUE + ":pause").handler(QueryParameters.none()).handler(rc -> change(rc, queues::pause));
    router.postWithRegex(QUEUE + ":resume").handler(QueryParameters.none()).handler(rc -> change(rc, queues::resume));
    router.getWithRegex(QUEUE).handler(QueryParameters.none()).handler(this::show);
  }

  /**
   * Body {"type": name} for one registered type's queue; no type (or no body) for the whole
   * project. A body is read only when there is one: a form or multipart body never gets here
   * (RequestHygiene answers 415), so an empty body really is no body.
   */
  private void change(RoutingContext rc, BiFunction<Long, String, Future<PausedQueues>> action) {
    long project = PathIds.projectId(rc);
    Access.requireProject(rc, project, Permission.TASKS_WRITE);
    Fields body = Fields.of(Fields.optionalBody(rc), new ArrayList<>());
    String chosen = body.name("type", false, 200);
    body.rejectUnknown();
    body.throwIfInvalid();
    Responses.reply(rc, projects.requireExisting(project).compose(v -> action.apply(project, chosen)), 200,
        paused -> state(project, paused));
  }

  private void show(RoutingContext rc) {
    long project = PathIds.projectId(rc);
    Access.requireProject(rc, project, Permission.TASKS_READ);
    Responses.reply(rc, projects.requireExisting(project).compose(v -> queues.paused(project)), 200,
        paused -> state(project, paused));
  }

  private static JsonObject state(long project, PausedQueues paused) {
    return new JsonObject().put("project_id", project)
        .put("paused", paused.wholeProject())
        .put("paused_types", new JsonArray(paused.types()));
  }
}
