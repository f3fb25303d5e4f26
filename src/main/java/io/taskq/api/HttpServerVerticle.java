package io.taskq.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/** One HTTP server; several instances share the port, one per event loop. */
public final class HttpServerVerticle extends VerticleBase {

  static final long SHUTDOWN_GRACE_SECONDS = 10;

  private final Services services;
  private final int port;
  private HttpServer server;

  /** @param port the port; a negative number shares one random port among all instances */
  public HttpServerVerticle(Services services, int port) {
    this.services = services;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setCompressionSupported(true));
    return server.requestHandler(ApiRouter.create(vertx, services)).listen();
  }

  /** Stops accepting, then lets in-flight requests finish (up to the grace period) before closing. */
  @Override
  public Future<?> stop() {
    return server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
