package io.taskq.api;

import io.taskq.error.BadRequest;
import io.taskq.error.NotFound;
import io.taskq.error.TaskqException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Duration;
import java.util.logging.Logger;

/** The whole HTTP surface: public probes and documents first, then everything behind an API key. */
public final class ApiRouter {

  /** Ordinary bodies are small; a bulk request's limit is its admission's budget (see DeferredBodies). */
  static final long BODY_LIMIT = 1024 * 1024;
  private static final String BULK = TaskRoutes.TASKS + ":bulk";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(2);
  private static final Logger LOG = Logger.getLogger(ApiRouter.class.getName());

  private ApiRouter() {
  }

  /** @param deadlines the connections' body deadlines, stopped while a bulk request waits for its turn */
  static Router create(Vertx vertx, Services services, HttpEdge edge, DeferredBodies.BodyDeadlines deadlines) {
    Router router = Router.router(vertx);
    DeferredBodies bodies = new DeferredBodies(services.bulkAdmission(), deadlines);
    // Before all: every request is measured, those shed or refused too.
    router.route().handler(new RequestMetrics(edge.meters(), edge.allowed()));
    // Then: shed what this instance has no room for, before anything is read or looked up.
    router.route().handler(services.overload());
    // Then 501, 405 and HEAD, which apply to every path, public or not, before a body is read.
    router.route().handler(new ProtocolRules(edge.allowed()));
    router.route().handler(new RequestHygiene());
    // Bodies stay in the socket until the key is checked, a bulk's until its turn has come (below).
    router.route().handler(DeferredBodies::hold);
    router.postWithRegex(BULK).handler(bodies::deferDeadline);

    router.get("/health/live").handler(QueryParameters.none()).handler(rc -> Responses.json(rc, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(QueryParameters.none()).handler(rc -> ready(vertx, services, rc));
    router.get("/metrics").handler(QueryParameters.none()).handler(PrometheusScrapingHandler.create(services.registry()));
    router.get("/openapi.yaml").handler(QueryParameters.none()).handler(rc -> rc.response().putHeader("Content-Type", "application/yaml").end(services.contract()));
    DashboardRoutes.mount(router);

    router.route().handler(Access.authenticate(services.apiKeys()));
    router.route().handler(Access.rateLimit(services.rateLimiter()));
    // Then the body, before the idempotency check, which hashes it.
    router.postWithRegex(BULK).handler(bodies::readWhenAdmitted);
    router.route().handler(DeferredBodies.readUnlessBulk(BodyHandler.create(false).setMergeFormAttributes(false).setBodyLimit(BODY_LIMIT)));
    router.route().handler(new IdempotencyHandler(services.idempotency(), services.idempotencyTtl()));
    // Task routes first: they carry the hot path, and no route mounted after them matches their paths.
    new TaskRoutes(services.tasks(), services.graphs(), services.projects(), services.workers().sightings()).mount(router);
    new ProjectRoutes(services.projects()).mount(router);
    new TaskTypeRoutes(services.taskTypes()).mount(router);
    new AuditRoutes(services.tasks(), services.projects()).mount(router);
    new DependencyRoutes(services.dependencies(), services.projects()).mount(router);
    new ApiKeyRoutes(services.apiKeys(), services.projects()).mount(router);
    new QueueRoutes(services.queues(), services.projects()).mount(router);
    new WorkflowRoutes(services.workflows(), services.projects()).mount(router);
    new RunRoutes(services.runs(), services.projects()).mount(router);
    new EventRoutes(services.events(), services.projects()).mount(router);
    new WorkerRoutes(services.workers(), services.projects()).mount(router);
    new StatsRoutes(services.stats(), services.projects()).mount(router);
    KeySelfRoutes.mount(router);

    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    router.errorHandler(404, rc -> Problems.write(rc, new NotFound("no resource at " + rc.request().method() + " " + rc.request().path())));
    // ProtocolRules answers every documented path's 405 (with Allow) before routing, so the
    // router's own 405 means a route the contract does not describe: our fault, logged, and
    // answered as the contract sees that path, without a resource and without a guessed Allow.
    router.errorHandler(405, rc -> {
      LOG.severe("route without a contract entry: " + rc.request().method() + " " + rc.request().path());
      Problems.write(rc, new NotFound("no resource at " + rc.request().method() + " " + rc.request().path()));
    });
    // A 400 raised while matching routes, before any handler: the target itself cannot be read.
    router.errorHandler(400, rc -> {
      if (rc.failure() instanceof TaskqException) {
        failures.handle(rc);
      } else {
        Problems.write(rc, new BadRequest(
            "the request path cannot be decoded: each '%' must be followed by two hexadecimal digits"));
      }
    });
    router.errorHandler(500, failures);
    return router;
  }

  private static void ready(Vertx vertx, Services services, RoutingContext rc) {
    services.database().ping()
        .timeout(READY_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onComplete(ar -> Responses.json(rc, ar.succeeded() ? 200 : 503, new JsonObject()
            .put("status", ar.succeeded() ? "UP" : "DOWN")
            .put("checks", new JsonObject().put("database", ar.succeeded() ? "UP" : "DOWN"))));
  }
}
