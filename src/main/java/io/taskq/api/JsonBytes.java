package io.taskq.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * JSON text written straight to UTF-8 bytes, exactly as the answers were written before: Vert.x's
 * encoder (Jackson's String writer) followed by a String-to-UTF-8 copy. So: {@code "} and
 * {@code \} escaped, control characters as {@code \b \t \n \f \r} or a six-character escape
 * of the code in upper-case hex, everything else as is; a lone surrogate, which UTF-8 cannot
 * hold, becomes '?' as {@code String.getBytes} makes it; numbers as Jackson prints them
 * (Double.toString, BigDecimal's toString, NaN and infinities as strings).
 *
 * <p>Not Jackson's UTF-8 writer: it escapes a character beyond U+FFFF (an emoji) as two
 * six-character escapes of its surrogates, unless told not to, and even then (2.18) still for a
 * string longer than its buffer; and it writes a lone surrogate differently. A value of a type
 * this writer does not know throws {@link Unsupported}; the caller then answers the old way.
 *
 * <p>One writer per answer; the bytes are gathered in a per-thread scratch array and copied
 * once, at the end, into an array of the exact size.
 */
final class JsonBytes {

  /** A value this writer cannot promise to write as Vert.x would. */
  static final class Unsupported extends RuntimeException {
    Unsupported(Object value) {
      super("no byte-exact JSON form for a " + value.getClass().getName(), null, false, false);
    }
  }

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = ascii("null");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  /** 0: written as is; 'b', 't', 'n', 'f', 'r', '"', '\\': a two-character escape; 'u': a six-character escape (backslash, u, four hex digits). */
  private static final byte[] ESCAPES = new byte[128];
  /** Scratch arrays larger than this are not kept for the next answer. */
  private static final int KEEP_AT_MOST = 64 * 1024;
  private static final int SCRATCH_BYTES = 4096;
  /** Taken by a writer while it writes (so that two writers on one thread never share it), given back by toBuffer. */
  private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = 'u';
    }
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\f'] = 'f';
    ESCAPES['\r'] = 'r';
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
  }

  private byte[] bytes;
  private int length;

  JsonBytes() {
    byte[] scratch = SCRATCH.get();
    if (scratch == null) {
      scratch = new byte[SCRATCH_BYTES];
    } else {
      SCRATCH.set(null);
    }
    bytes = scratch;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The bytes written, in a buffer of their own; the scratch array is kept for the thread's next answer. */
  Buffer toBuffer() {
    Buffer buffer = Buffer.buffer(Arrays.copyOf(bytes, length));
    if (bytes.length <= KEEP_AT_MOST) {
      SCRATCH.set(bytes);
    }
    return buffer;
  }

  JsonBytes raw(byte[] ascii) {
    room(ascii.length);
    System.arraycopy(ascii, 0, bytes, length, ascii.length);
    length += ascii.length;
    return this;
  }

  JsonBytes raw(char c) {
    room(1);
    bytes[length++] = (byte) c;
    return this;
  }

  JsonBytes nullValue() {
    return raw(NULL);
  }

  JsonBytes number(long value) {
    if (value == Long.MIN_VALUE) {
      return raw(ascii(Long.toString(value)));
    }
    room(20);
    if (value < 0) {
      bytes[length++] = '-';
      value = -value;
    }
    int digits = 1;
    for (long v = value / 10; v != 0; v /= 10) {
      digits++;
    }
    for (int i = length + digits - 1; i >= length; i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    length += digits;
    return this;
  }

  JsonBytes bool(boolean value) {
    return raw(value ? TRUE : FALSE);
  }

  /** A string value (or a field name), quoted and escaped; null writes null. */
  JsonBytes string(String s) {
    if (s == null) {
      return nullValue();
    }
    int n = s.length();
    // At most 6 bytes per char (a six-character escape); 3 bytes per char of UTF-8, 4 per pair of chars.
    room(n * 6 + 2);
    byte[] b = bytes;
    int at = length;
    b[at++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        byte escape = ESCAPES[c];
        if (escape == 0) {
          b[at++] = (byte) c;
        } else if (escape == 'u') {
          b[at++] = '\\';
          b[at++] = 'u';
          b[at++] = '0';
          b[at++] = '0';
          b[at++] = HEX[c >> 4];
          b[at++] = HEX[c & 0xF];
        } else {
          b[at++] = '\\';
          b[at++] = escape;
        }
      } else if (c < 0x800) {
        b[at++] = (byte) (0xC0 | (c >> 6));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        b[at++] = (byte) (0xE0 | (c >> 12));
        b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[at++] = (byte) (0xF0 | (cp >> 18));
        b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        b[at++] = '?'; // what String.getBytes(UTF_8) writes for a lone surrogate
      }
    }
    b[at++] = '"';
    length = at;
    return this;
  }

  /** Any JSON value Vert.x keeps in a JsonObject or JsonArray (and the raw maps and lists inside them). */
  JsonBytes value(Object value) {
    if (value == null) {
      return nullValue();
    } else if (value instanceof String s) {
      return string(s);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return number(((Number) value).longValue());
    } else if (value instanceof Boolean b) {
      return bool(b);
    } else if (value instanceof JsonObject o) {
      return object(o.getMap());
    } else if (value instanceof JsonArray a) {
      return array(a.getList());
    } else if (value instanceof Map<?, ?> m) {
      return object(m);
    } else if (value instanceof List<?> l) {
      return array(l);
    } else if (value instanceof Double d) {
      return Double.isFinite(d) ? raw(ascii(Double.toString(d))) : string(Double.toString(d));
    } else if (value instanceof Float f) {
      return Float.isFinite(f) ? raw(ascii(Float.toString(f))) : string(Float.toString(f));
    } else if (value instanceof BigInteger i) {
      return raw(ascii(i.toString()));
    } else if (value instanceof BigDecimal d) {
      return raw(ascii(d.toString()));
    }
    throw new Unsupported(value);
  }

  private JsonBytes object(Map<?, ?> map) {
    raw('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new Unsupported(e.getKey());
      }
      if (!first) {
        raw(',');
      }
      first = false;
      string(key).raw(':').value(e.getValue());
    }
    return raw('}');
  }

  private JsonBytes array(List<?> list) {
    raw('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        raw(',');
      }
      value(list.get(i));
    }
    return raw(']');
  }

  private void room(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
