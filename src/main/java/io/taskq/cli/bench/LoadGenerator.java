package io.taskq.cli.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bench's own Vert.x: at most two event loops, so the generator takes little of a small
 * machine's CPU from the server it measures, and one context per loop that workers are spread
 * over round-robin. (From a non-Vert.x thread {@code getOrCreateContext()} hands back one
 * sticky context, which would put every worker on one loop.)
 */
final class LoadGenerator implements AutoCloseable {

  static final int MAX_EVENT_LOOPS = 2;

  private final Vertx vertx;
  private final List<Context> contexts;

  private LoadGenerator(Vertx vertx, List<Context> contexts) {
    this.vertx = vertx;
    this.contexts = List.copyOf(contexts);
  }

  static LoadGenerator start() throws Exception {
    int loops = Math.min(MAX_EVENT_LOOPS, Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(loops)).build();
    List<Context> contexts = new CopyOnWriteArrayList<>();
    try {
      Await.result(vertx.deployVerticle(() -> new ContextAnchor(contexts), new DeploymentOptions().setInstances(loops)),
          Duration.ofSeconds(30));
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    return new LoadGenerator(vertx, contexts);
  }

  Vertx vertx() {
    return vertx;
  }

  /** The event-loop context of worker {@code worker}. */
  Context context(int worker) {
    return contexts.get(worker % contexts.size());
  }

  int eventLoops() {
    return contexts.size();
  }

  @Override
  public void close() throws Exception {
    Await.result(vertx.close(), Duration.ofSeconds(30));
  }

  /** Does nothing but hand over the event-loop context it was deployed on. */
  private static final class ContextAnchor extends VerticleBase {
    private final List<Context> contexts;

    ContextAnchor(List<Context> contexts) {
      this.contexts = contexts;
    }

    @Override
    public Future<?> start() {
      contexts.add(context);
      return Future.succeededFuture();
    }
  }
}
