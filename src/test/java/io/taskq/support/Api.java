package io.taskq.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * An HTTP client of the real server over a real socket. Every response is checked against the
 * OpenAPI contract before a test sees it.
 */
public final class Api {

  private final WebClient client;
  private final String defaultKey;

  public Api(Vertx vertx, int port, String defaultKey) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
    Contract.get(); // loads the contract here, on the test's thread: it blocks
    this.defaultKey = defaultKey;
  }

  public Api withKey(String key) {
    return new Api(client, key);
  }

  private Api(WebClient client, String key) {
    this.client = client;
    this.defaultKey = key;
  }

  /** A response, read whole. */
  public record Response(int status, String contentType, MultiMap headers, Buffer body) {
    public JsonObject json() {
      return body.toJsonObject();
    }

    public JsonArray items() {
      return json().getJsonArray("items");
    }

    public Response expect(int expected) {
      assertEquals(expected, status, () -> "unexpected status; body: " + body);
      return this;
    }

    /** Asserts a problem document of this status, and returns it. */
    public JsonObject problem(int expected) {
      expect(expected);
      assertEquals("application/problem+json", contentType == null ? null : contentType.split(";")[0],
          "problems are application/problem+json");
      JsonObject problem = json();
      assertEquals(expected, problem.getInteger("status"));
      return problem;
    }
  }

  public Response get(String path) {
    return send(HttpMethod.GET, path, null, null).await();
  }

  public Response post(String path, Object json) {
    return postAsync(path, json).await();
  }

  public Future<Response> postAsync(String path, Object json) {
    Buffer body = json == null ? null : Buffer.buffer(json instanceof JsonObject o ? o.encode()
        : json instanceof JsonArray a ? a.encode() : json.toString());
    return send(HttpMethod.POST, path, body, "application/json");
  }

  public Response postRaw(String path, String body, String contentType) {
    return send(HttpMethod.POST, path, Buffer.buffer(body), contentType).await();
  }

  public Response delete(String path) {
    return send(HttpMethod.DELETE, path, null, null).await();
  }

  public Future<Response> send(HttpMethod method, String path, Buffer body, String contentType) {
    return send(method, path, body, contentType, Map.of());
  }

  /** A POST of JSON with extra request headers. */
  public Response post(String path, Object json, Map<String, String> headers) {
    return send(HttpMethod.POST, path, Buffer.buffer(json.toString()), "application/json", headers).await();
  }

  public Future<Response> send(HttpMethod method, String path, Buffer body, String contentType, Map<String, String> extra) {
    HttpRequest<Buffer> request = client.request(method, path);
    extra.forEach(request::putHeader);
    if (defaultKey != null) {
      request.putHeader("Authorization", "Bearer " + defaultKey);
    }
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendBuffer(body);
    return sent.compose(r -> {
      Map<String, String> headers = new HashMap<>();
      r.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
      Response response = new Response(r.statusCode(), r.getHeader("Content-Type"), r.headers(),
          r.body() == null ? Buffer.buffer() : r.body());
      return Contract.get().check(method, path, r.statusCode(), headers, response.body(), response.contentType())
          .map(v -> response);
    });
  }
}
