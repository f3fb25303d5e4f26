package io.taskq.reliability;

import io.taskq.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * A plain HTTP client of one taskq instance, for load: no contract check per response (the
 * contract tests do that), so that thousands of requests a second cost the test JVM little.
 */
final class Http {

  /** A response, or the failure of a request that got none (connection refused or reset, timeout). */
  record Reply(int status, MultiMap headers, Buffer body, Throwable failure) {
    boolean answered() {
      return failure == null;
    }

    JsonObject json() {
      return body.toJsonObject();
    }

    String contentType() {
      String type = headers.get("Content-Type");
      return type == null ? null : type.split(";", 2)[0].trim();
    }

    /** Seconds of Retry-After, or -1 when absent or unreadable. */
    long retryAfter() {
      String value = headers.get("Retry-After");
      try {
        return value == null ? -1 : Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    @Override
    public String toString() {
      return failure != null ? "no answer: " + failure : status + " " + body;
    }
  }

  private final WebClient client;
  private final String key;
  private final long timeoutMs;

  Http(Vertx vertx, int port, int connections, long timeoutMs) {
    this(vertx, port, connections, timeoutMs, TestServer.ADMIN_KEY);
  }

  Http(Vertx vertx, int port, int connections, long timeoutMs, String key) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port)
        .setKeepAlive(true).setConnectTimeout(5_000).setIdleTimeout(0), new PoolOptions().setHttp1MaxSize(connections)
        .setMaxWaitQueueSize(-1));
    this.key = key;
    this.timeoutMs = timeoutMs;
  }

  Future<Reply> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body);
  }

  Future<Reply> get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  /** Always succeeds: with the response, or with a Reply holding why there was none. */
  Future<Reply> send(HttpMethod method, String path, JsonObject body) {
    HttpRequest<Buffer> request = client.request(method, path).timeout(timeoutMs);
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent = body == null ? request.send()
        : request.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer());
    return sent.map(r -> new Reply(r.statusCode(), r.headers(), r.body() == null ? Buffer.buffer() : r.body(), null))
        .otherwise(e -> new Reply(-1, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(), e));
  }

  void close() {
    client.close();
  }
}
