package io.taskq.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as written: a request target, header values and a
 * body reach the server exactly as given (HTTP clients re-encode paths and refuse bytes that are
 * not text, which is what hostile-input tests must send). One request per connection.
 */
public final class RawHttp {

  private static final int TIMEOUT_MS = 10_000;

  private final int port;
  private final String key;

  public RawHttp(int port, String key) {
    this.port = port;
    this.key = key;
  }

  /** An answer, read whole. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public JsonObject json() {
      return new JsonObject(text());
    }

    /** Asserts a problem document of this status, and returns it. */
    public JsonObject problem(int expected) {
      assertEquals(expected, status, () -> "unexpected status; body: " + text());
      String type = header("content-type");
      assertEquals("application/problem+json", type == null ? null : type.split(";")[0].trim(),
          () -> "problems are application/problem+json; body: " + text());
      JsonObject problem = json();
      assertEquals(expected, problem.getInteger("status"));
      return problem;
    }

    public Response expect(int expected) {
      assertEquals(expected, status, () -> "unexpected status; body: " + text());
      return this;
    }
  }

  public Response get(String target) {
    return send("GET", target, Map.of(), null);
  }

  /** A POST of these bytes with this Content-Type (none when null). */
  public Response post(String target, String contentType, byte[] body) {
    return send("POST", target, contentType == null ? Map.of() : Map.of("Content-Type", contentType), body);
  }

  public Response post(String target, String contentType, String body) {
    return post(target, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends one request. Header values are written as ISO-8859-1, so a char of 0x80-0xFF is that
   * raw byte on the wire; a null body sends no body and no Content-Length.
   */
  public Response send(String method, String target, Map<String, String> headers, byte[] body) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Host", "localhost:" + port);
    if (key != null) {
      all.put("Authorization", "Bearer " + key);
    }
    all.putAll(headers);
    if (body != null) {
      all.put("Content-Length", Integer.toString(body.length));
    }
    all.put("Connection", "close");
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    all.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    byte[] bytes = all.toByteArray();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no complete response head: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
    String chunked = headers.get("transfer-encoding");
    return new Response(status, headers, chunked != null && chunked.contains("chunked") ? dechunk(rest) : rest);
  }

  private static byte[] dechunk(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < raw.length) {
      int lineEnd = indexOfCrlf(raw, at);
      String sizeLine = new String(raw, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
      int size = Integer.parseInt(sizeLine, 16);
      if (size == 0) {
        break;
      }
      out.write(raw, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOfCrlf(byte[] raw, int from) {
    for (int i = from; i + 1 < raw.length; i++) {
      if (raw[i] == '\r' && raw[i + 1] == '\n') {
        return i;
      }
    }
    return raw.length;
  }
}
