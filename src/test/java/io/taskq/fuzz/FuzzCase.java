package io.taskq.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** One request the fuzz sends, and what the server must make of it. */
record FuzzCase(String operation, String inputClass, String label, String method, String uri, Map<String, String> headers,
    byte[] body, Expect expect, Set<Integer> allowed) {

  /** What the answer must be, beyond the invariants every answer keeps. */
  enum Expect {
    /** Any 4xx (or a 2xx that refuses the faulty item on its own); {@code allowed}, when not empty, lists the 4xx statuses. */
    REJECT,
    /** The document accepts the request: it must not be refused as unreadable (400) or as the wrong media type (415). */
    VALID,
    /** Only the invariants (no 5xx, problems on 4xx, no internals, nothing half-written). */
    ANY,
    /** A fault inside one item of a batch whose answer has a slot per item: that slot refuses it, the request does not fail. */
    REJECT_ITEM,
    /** Exactly one of {@code allowed} (used where the issue fixes the status, e.g. 405 or HEAD like GET). */
    EXACT
  }

  static FuzzCase of(String operation, String inputClass, String label, String method, String uri, byte[] body,
      String contentType, Expect expect, Set<Integer> allowed) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    return new FuzzCase(operation, inputClass, label, method, uri, headers, body, expect, allowed);
  }

  FuzzCase withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    if (value == null) {
      h.remove(name);
    } else {
      h.put(name, value);
    }
    return new FuzzCase(operation, inputClass, label, method, uri, h, body, expect, allowed);
  }

  boolean hasIdempotencyKey() {
    return headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Idempotency-Key"));
  }

  /** The request, printable: method, URI, headers other than the key, and the start of the body. */
  String describe() {
    StringBuilder sb = new StringBuilder(method).append(' ').append(uri);
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase("Authorization")) {
        sb.append(" [").append(k).append(": ").append(JsonText.excerpt(v.getBytes(StandardCharsets.ISO_8859_1), 80)).append(']');
      } else {
        sb.append(" [").append(k).append(": ").append(v.length() > 20 ? v.substring(0, 12) + "..." : v).append(']');
      }
    });
    if (body != null) {
      sb.append(' ').append(JsonText.excerpt(body, 240));
    }
    return sb.toString();
  }
}
