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
  private final HttpEdge edge;
  private HttpServer server;

  /**
   * @param port the port; a negative number shares one random port among all instances
   * @param edge what all instances of this process share (limits, the connection count)
   */
  public HttpServerVerticle(Services services, int port, HttpEdge edge) {
    this.services = services;
    this.port = port;
    this.edge = edge;
  }

  @Override
  public Future<?> start() {
    // HTTP/1.1 only: with cleartext HTTP/2 on (Vert.x's default) a connection is handed over only
    // once its first bytes tell which protocol it speaks, so a silent connection escaped both the
    // cap and the header timeout; the deadlines also assume one request at a time per connection.
    // No WebSocket compression: taskq serves no WebSocket, and with it on, Netty's WebSocket
    // extension handler sits in every connection's pipeline and inspects every request's headers
    // for an upgrade (about 1% of the claim loop's samples).
    server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setCompressionSupported(true)
        .setHttp2ClearTextEnabled(false)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setMaxInitialLineLength(InvalidRequests.MAX_REQUEST_LINE)
        .setMaxHeaderSize(InvalidRequests.MAX_HEADER_SIZE));
    ConnectionGuard guard = new ConnectionGuard(vertx, edge);
    return guard.install(server, ApiRouter.create(vertx, services, edge, guard)).listen();
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
