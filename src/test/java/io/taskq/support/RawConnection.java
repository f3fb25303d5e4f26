package io.taskq.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 spoken by hand over a plain socket, for requests no well-behaved client would send
 * (malformed lines, oversized heads, bodies that never arrive). Every read is bounded by the
 * socket's read timeout, so a test that waits on the server waits on a read, never on a sleep.
 */
public final class RawConnection implements AutoCloseable {

  private final Socket socket;
  private final PushbackInputStream in;
  private final OutputStream out;

  public RawConnection(int port, Duration readTimeout) {
    try {
      socket = new Socket("localhost", port);
      socket.setSoTimeout((int) readTimeout.toMillis());
      in = new PushbackInputStream(socket.getInputStream(), 1);
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One response as read off the wire; {@code status} is -1 when the server closed without answering. */
  public record Response(int status, Map<String, String> headers, String body, boolean closedAfter) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public JsonObject json() {
      return new JsonObject(body);
    }

    /** Asserts a problem document of this status, and returns it. */
    public JsonObject problem(int expected) {
      assertEquals(expected, status, () -> "unexpected status; body: " + body);
      String type = header("content-type");
      assertEquals("application/problem+json", type == null ? null : type.split(";")[0].trim(),
          () -> "problems are application/problem+json; body: " + body);
      JsonObject problem = json();
      assertEquals(expected, problem.getInteger("status"));
      return problem;
    }

    public Response expect(int expected) {
      assertEquals(expected, status, () -> "unexpected status; body: " + body);
      return this;
    }
  }

  /**
   * One request per connection, byte for byte as written: a request target, header values and a
   * body reach the server exactly as given (HTTP clients re-encode paths and refuse bytes that
   * are not text, which is what hostile-input tests must send).
   */
  public static final class OneShot {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final String key;

    /** {@code key}: the API key sent as a bearer token, or null for none. */
    public OneShot(int port, String key) {
      this.port = port;
      this.key = key;
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
     * Sends one request and reads its answer. Header values are written as ISO-8859-1, so a char
     * of 0x80-0xFF is that raw byte on the wire; a null body sends no body and no Content-Length.
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
      try (RawConnection connection = new RawConnection(port, TIMEOUT)) {
        connection.send(head.toString());
        if (body != null) {
          connection.send(body);
        }
        return connection.read();
      }
    }
  }

  public RawConnection send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends bytes; a server that already closed the connection shows in the next read, not here. */
  public RawConnection send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      // reset by the server: read() answers status -1
    }
    return this;
  }

  /** Bounds each following read. */
  public RawConnection readTimeout(Duration timeout) {
    try {
      socket.setSoTimeout((int) timeout.toMillis());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** Reads one response (head, then a body framed by Content-Length or chunks, or by the end of the stream). */
  public Response read() {
    return read(true);
  }

  /** Reads the answer to a HEAD request: a head only, whatever its Content-Length says. */
  public Response readHeadOnly() {
    return read(false);
  }

  private Response read(boolean withBody) {
    try {
      String head = readHead();
      if (head == null) {
        return new Response(-1, Map.of(), "", true);
      }
      String[] lines = head.split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      int status = Integer.parseInt(statusLine[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      byte[] body;
      String length = headers.get("content-length");
      if (!withBody) {
        body = new byte[0];
      } else if (length != null) {
        body = in.readNBytes(Integer.parseInt(length));
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        body = readChunks();
      } else {
        body = in.readAllBytes();
      }
      return new Response(status, headers, new String(body, StandardCharsets.UTF_8), false);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither answered nor closed the connection within the read timeout");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * True when the server sends nothing and keeps the connection open for {@code period}: the
   * read timing out is the assertion. A byte that does arrive is kept for the next read.
   */
  public boolean silentFor(Duration period) {
    readTimeout(period);
    try {
      int b = in.read();
      if (b != -1) {
        in.unread(b);
      }
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (IOException e) {
      return false; // reset
    }
  }

  /** True when the server has closed the connection (end of stream or reset) within the read timeout. */
  public boolean closedByServer() {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b;
      try {
        b = in.read();
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        b = -1; // reset
      }
      if (b == -1) {
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - 4);
  }

  private byte[] readChunks() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine();
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a socket the server may already have reset
    }
  }
}
