package io.taskq.fuzz;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes the fuzz's values as JSON bytes, exactly: unlike a JSON library it can write numbers
 * no parser would produce ({@code 1e400}), lone surrogate escapes, duplicate keys and raw bytes
 * that are not UTF-8. Values are {@code null}, Boolean, String, Number, {@link Map}, {@link List},
 * {@link Raw} (bytes written as they are) and {@link Members} (an object that may repeat keys).
 */
final class JsonText {

  /** Bytes written verbatim in place of a value. */
  record Raw(byte[] bytes) {
    static Raw text(String text) {
      return new Raw(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON string whose content is these bytes (not checked for UTF-8), between quotes. */
    static Raw stringOfBytes(byte[] content) {
      byte[] out = new byte[content.length + 2];
      out[0] = '"';
      System.arraycopy(content, 0, out, 1, content.length);
      out[out.length - 1] = '"';
      return new Raw(out);
    }

    @Override
    public String toString() {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  /** An object as a list of members, so that a key may appear twice. */
  record Members(List<Map.Entry<String, Object>> entries) {
  }

  private JsonText() {
  }

  static byte[] bytes(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, value);
    return out.toByteArray();
  }

  static String text(Object value) {
    return new String(bytes(value), StandardCharsets.UTF_8);
  }

  private static void write(ByteArrayOutputStream out, Object value) {
    if (value == null) {
      ascii(out, "null");
    } else if (value instanceof Boolean b) {
      ascii(out, b.toString());
    } else if (value instanceof String s) {
      string(out, s);
    } else if (value instanceof BigDecimal d) {
      ascii(out, d.scale() <= 0 && d.precision() - d.scale() <= 40 ? d.toBigInteger().toString() : d.toString());
    } else if (value instanceof BigInteger || value instanceof Long || value instanceof Integer) {
      ascii(out, value.toString());
    } else if (value instanceof Number n) {
      ascii(out, new BigDecimal(n.toString()).toString());
    } else if (value instanceof Raw raw) {
      out.writeBytes(raw.bytes());
    } else if (value instanceof Map<?, ?> map) {
      out.write('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.write(',');
        }
        first = false;
        string(out, (String) e.getKey());
        out.write(':');
        write(out, e.getValue());
      }
      out.write('}');
    } else if (value instanceof Members members) {
      out.write('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : members.entries()) {
        if (!first) {
          out.write(',');
        }
        first = false;
        string(out, e.getKey());
        out.write(':');
        write(out, e.getValue());
      }
      out.write('}');
    } else if (value instanceof List<?> list) {
      out.write('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        write(out, list.get(i));
      }
      out.write(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass());
    }
  }

  private static void string(ByteArrayOutputStream out, String s) {
    out.write('"');
    StringBuilder plain = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
      if (pair) {
        plain.append(c).append(s.charAt(++i));
      } else if (c == '"' || c == '\\') {
        plain.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        // Lone surrogates can only travel as escapes: as UTF-8 they would not be text at all.
        plain.append(String.format("\\u%04x", (int) c));
      } else {
        plain.append(c);
      }
    }
    out.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
    out.write('"');
  }

  private static void ascii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  /** A printable excerpt of request or response bytes: non-ASCII and control bytes as \xNN. */
  static String excerpt(byte[] bytes, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bytes.length && sb.length() < max; i++) {
      int b = bytes[i] & 0xff;
      if (b >= 0x20 && b < 0x7f) {
        sb.append((char) b);
      } else {
        sb.append(String.format("\\x%02X", b));
      }
    }
    if (sb.length() >= max || bytes.length > max) {
      sb.append("...(").append(bytes.length).append(" bytes)");
    }
    return sb.toString();
  }
}
