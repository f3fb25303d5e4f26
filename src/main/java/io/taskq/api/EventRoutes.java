package io.taskq.api;

import io.taskq.auth.Permission;
import io.taskq.queue.ProjectService;
import io.taskq.store.EventStore.Arrival;
import io.taskq.workflow.EventService;
import io.taskq.workflow.model.Event;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;

/** POST /projects/{projectId}/events: an external event arrives. */
final class EventRoutes {

  static final String EVENTS = "/projects/(?<projectId>[^/]+)/events";
  /** As long as a depends_on entry's {@code event} may be (DependsOnFields). */
  static final int MAX_KEY_LENGTH = DependsOnFields.MAX_KEY_LENGTH;

  private final EventService events;
  private final ProjectService projects;

  EventRoutes(EventService events, ProjectService projects) {
    this.events = events;
    this.projects = projects;
  }

  void mount(Router router) {
    router.postWithRegex(EVENTS).handler(QueryParameters.none()).handler(this::receive);
  }

  private void receive(RoutingContext rc) {
    long project = TaskRoutes.authorize(rc, Permission.TASKS_WRITE);
    Fields body = Fields.of(Fields.body(rc), new ArrayList<>());
    String key = body.name("key", true, MAX_KEY_LENGTH);
    Object payload = body.storableJson("payload");
    body.rejectUnknown();
    body.throwIfInvalid();
    projects.requireExisting(project).compose(v -> events.receive(project, key, payload)).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        Responses.json(rc, ar.result().created() ? 201 : 200, representation(ar.result()));
      }
    });
  }

  static JsonObject representation(Arrival arrival) {
    Event e = arrival.event();
    return new JsonObject()
        .put("project_id", e.projectId())
        .put("key", e.key())
        .put("payload", e.payload())
        .put("received_at", Representations.time(e.receivedAt()))
        .put("expires_at", Representations.time(e.expiresAt()))
        .put("released", arrival.released());
  }
}
