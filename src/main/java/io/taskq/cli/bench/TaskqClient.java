package io.taskq.cli.bench;

import io.vertx.core.Future;
import java.time.Duration;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;

/**
 * HTTP to the taskq under test, as its admin, over keep-alive connections. The pool holds as
 * many connections as there are workers, so that no worker waits for another's connection
 * and the server sees the concurrency the run is named for.
 */
final class TaskqClient implements AutoCloseable {

  /**
   * Generous: at 64 workers a 1000-task bulk request can queue for seconds on a small machine.
   * An idle timeout, not {@code timeout()}: that one also arms a timer on the wait for a pooled
   * connection, which in Vert.x 5.0 can fire after the wait was served and log "Promise already
   * completed" (eclipse-vertx/vert.x#6169).
   */
  private static final long REQUEST_TIMEOUT_MS = 60_000;

  private final WebClient client;
  private final String authorization;

  TaskqClient(Vertx vertx, URI server, String adminKey, int connections) {
    boolean tls = "https".equals(server.getScheme());
    int port = server.getPort() > 0 ? server.getPort() : tls ? 443 : 80;
    this.client = WebClient.create(vertx,
        new WebClientOptions().setDefaultHost(server.getHost()).setDefaultPort(port).setSsl(tls).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections));
    this.authorization = "Bearer " + adminKey;
  }

  Future<HttpResponse<Buffer>> post(String path, Buffer json) {
    return request(client.post(path)).putHeader("Content-Type", "application/json").sendBuffer(json);
  }

  Future<HttpResponse<Buffer>> post(String path, String json) {
    return post(path, Buffer.buffer(json));
  }

  /** A POST that may take longer than the measured requests' timeout (a clean-up between runs). */
  Future<HttpResponse<Buffer>> postSlow(String path, String json, Duration timeout) {
    return request(client.post(path)).idleTimeout(timeout.toMillis()).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(json));
  }

  private HttpRequest<Buffer> request(HttpRequest<Buffer> request) {
    return request.putHeader("Authorization", authorization).idleTimeout(REQUEST_TIMEOUT_MS);
  }

  @Override
  public void close() {
    client.close();
  }
}
