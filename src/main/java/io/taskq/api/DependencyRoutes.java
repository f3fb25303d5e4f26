package io.taskq.api;

import io.taskq.auth.Permission;
import io.taskq.error.BadRequest;
import io.taskq.queue.ProjectService;
import io.taskq.store.DependencyStore.Link;
import io.taskq.workflow.DependencyService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * A task's links: GET .../dependencies, GET .../dependents, DELETE .../dependencies/{prerequisiteId},
 * and its place in a hierarchy: GET .../children.
 */
final class DependencyRoutes {

  private final DependencyService dependencies;
  private final ProjectService projects;

  DependencyRoutes(DependencyService dependencies, ProjectService projects) {
    this.dependencies = dependencies;
    this.projects = projects;
  }

  void mount(Router router) {
    router.getWithRegex(TaskRoutes.TASK + "/dependencies").handler(QueryParameters.only("after", "limit")).handler(this::prerequisites);
    router.getWithRegex(TaskRoutes.TASK + "/dependents").handler(QueryParameters.only("after", "limit")).handler(this::dependents);
    router.deleteWithRegex(TaskRoutes.TASK + "/dependencies/(?<prerequisiteId>[^/:]+)").handler(QueryParameters.none())
        .handler(this::unlink);
    router.getWithRegex(TaskRoutes.TASK + "/children").handler(QueryParameters.only("recursive", "after", "limit"))
        .handler(this::children);
  }

  /** The task's children, or with recursive=true its whole subtree, as tasks by id. */
  private void children(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    long taskId = PathIds.taskId(rc);
    QueryParameters query = QueryParameters.of(rc);
    Paging paging = Paging.of(query);
    boolean recursive = recursive(query.get("recursive"));
    Responses.reply(rc, projects.requireExisting(project)
            .compose(v -> dependencies.childrenOf(project, taskId, recursive, paging.after(), paging.limit() + 1)),
        200, found -> paging.page(found, Representations::task, io.taskq.queue.Task::id));
  }

  private static boolean recursive(String raw) {
    if (raw == null || raw.equals("false")) {
      return false;
    }
    if (raw.equals("true")) {
      return true;
    }
    throw new BadRequest("query parameter recursive must be true or false");
  }

  /** One page of the task's links at one end: its prerequisites or its dependents. */
  private interface LinkPage {
    Future<List<Link>> of(long projectId, long taskId, long after, int limit);
  }

  private void prerequisites(RoutingContext rc) {
    links(rc, dependencies::prerequisitesOf);
  }

  private void dependents(RoutingContext rc) {
    links(rc, dependencies::dependentsOf);
  }

  private void links(RoutingContext rc, LinkPage page) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_READ);
    long taskId = PathIds.taskId(rc);
    Paging paging = Paging.of(QueryParameters.of(rc));
    Responses.reply(rc, projects.requireExisting(project)
            .compose(v -> page.of(project, taskId, paging.after(), paging.limit() + 1)),
        200, found -> paging.page(found, DependencyRoutes::link, Link::taskId));
  }

  private void unlink(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_WRITE);
    long taskId = PathIds.taskId(rc);
    long prerequisiteId = PathIds.id(rc, "prerequisiteId", "task");
    Responses.reply(rc, projects.requireExisting(project)
        .compose(v -> dependencies.unlink(project, taskId, prerequisiteId)), 200, Representations::task);
  }

  static JsonObject link(Link l) {
    return new JsonObject()
        .put("task_id", l.taskId())
        .put("external_id", l.externalId())
        .put("type", l.type())
        .put("status", l.status().wireName())
        .put("link_type", l.linkType().wireName())
        .put("linked_at", Representations.time(l.linkedAt()));
  }

  /** {@code after} and {@code limit} of a keyset-paginated listing. */
  record Paging(long after, int limit) {
    static Paging of(QueryParameters query) {
      return new Paging(TaskRoutes.queryNumber(query, "after", 0, 0, Long.MAX_VALUE),
          (int) TaskRoutes.queryNumber(query, "limit", TaskRoutes.DEFAULT_PAGE, 1, TaskRoutes.MAX_PAGE));
    }

    <T> JsonObject page(List<T> rows, java.util.function.Function<T, JsonObject> render, java.util.function.ToLongFunction<T> id) {
      return TaskRoutes.page(rows, limit, render, id);
    }
  }
}
