package io.taskq.fuzz;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sends requests over a real socket exactly as written: the URI goes on the request line as
 * given (percent-escapes and all) and the body bytes are sent untouched. Vert.x's core client,
 * not WebClient, because WebClient parses and re-encodes the URI.
 */
final class FuzzClient {

  /** An answer, read whole. */
  record Answer(int status, String contentType, MultiMap headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final long TIMEOUT_MS = 30_000;

  private final HttpClient client;
  private final int port;

  FuzzClient(Vertx vertx, int port) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(port)
        .setKeepAlive(true).setMaxInitialLineLength(1 << 20), new PoolOptions().setHttp1MaxSize(4));
    this.port = port;
  }

  Answer send(String method, String uri, Map<String, String> headers, byte[] body) {
    return sendAsync(method, uri, headers, body).await();
  }

  Future<Answer> sendAsync(String method, String uri, Map<String, String> headers, byte[] body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setHost("localhost").setPort(port)
        .setURI(uri).setIdleTimeout(TIMEOUT_MS);
    headers.forEach(options::putHeader);
    return client.request(options).compose(request -> (body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), response.getHeader("Content-Type"),
            response.headers(), b == null ? new byte[0] : b.getBytes()))));
  }

  void close() {
    client.close().await();
  }

  /**
   * Proves that what this client sends reaches a server unmodified: a throwaway server records
   * the request line and header bytes it receives for URIs and headers like the fuzz's own.
   */
  static void checkSentVerbatim(Vertx vertx) {
    List<String> seen = new CopyOnWriteArrayList<>();
    List<String> headers = new CopyOnWriteArrayList<>();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      seen.add(request.uri());
      String h = request.getHeader("X-Fuzz");
      headers.add(h == null ? "" : h);
      request.body().onComplete(b -> request.response().end());
    }).listen(0).await();
    FuzzClient client = new FuzzClient(vertx, server.actualPort());
    List<String> uris = List.of("/projects/%EF%BC%91", "/projects/+1/tasks/01", "/projects/%00", "/p/%ED%A0%80?a=%ZZ&b=%00&c",
        "/projects/..%2F..%2Fetc%2Fpasswd?type=%27%20OR%201%3D1%20--", "/projects/1/tasks:claim?LIMIT=1&limit=1&limit=2");
    String header = "k\u00ff\u00c0\u00af";
    try {
      for (String uri : uris) {
        client.send("POST", uri, Map.of("X-Fuzz", header), new byte[] {(byte) 0xff});
      }
    } finally {
      client.close();
      server.close().await();
    }
    if (!seen.equals(uris)) {
      throw new AssertionError("the fuzz client changes URIs on the way: sent " + uris + ", received " + seen);
    }
    for (String h : headers) {
      if (!h.equals(header)) {
        throw new AssertionError("the fuzz client changes header bytes on the way: sent " + header + ", received " + h);
      }
    }
  }
}
