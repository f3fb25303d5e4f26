package io.taskq.api;

import java.util.Optional;

/**
 * Text outside the body, read strictly. Vert.x and Netty decode percent-escapes and header bytes
 * leniently (a replacement character for every bad byte, an overlong C0 AF as '/'), so two
 * different requests could read as the same one. Here a malformed escape or a byte sequence that
 * is not UTF-8 (overlongs, surrogates, beyond U+10FFFF) is refused instead of repaired.
 */
final class StrictText {

  private StrictText() {
  }

  /** Why a piece of text cannot be read. */
  static final class Unreadable extends Exception {
    Unreadable(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Percent-decodes {@code raw} (a '+' is a space when {@code plusIsSpace}, as in a query) and
   * decodes the bytes as UTF-8. A char of 0x80-0xFF is taken as the raw byte the server received:
   * HTTP's text arrives as ISO-8859-1.
   */
  static String percentDecoded(String raw, boolean plusIsSpace) throws Unreadable {
    if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0) && isAscii(raw)) {
      return raw;
    }
    byte[] bytes = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int high = i + 1 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
        int low = i + 2 < raw.length() ? hex(raw.charAt(i + 2)) : -1;
        if (high < 0 || low < 0) {
          String escape = raw.substring(i, Math.min(raw.length(), i + 3));
          throw new Unreadable("holds malformed percent-encoding (" + escape + "); a % is written %25");
        }
        bytes[n++] = (byte) (high << 4 | low);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes[n++] = ' ';
      } else if (c > 0xFF) {
        throw new Unreadable("is not valid UTF-8");
      } else {
        bytes[n++] = (byte) c;
      }
    }
    return Utf8.decode(bytes, n).orElseThrow(() -> new Unreadable("is not valid UTF-8"));
  }

  /** A header value's bytes (ISO-8859-1 chars as Netty hands them over) read as UTF-8, or empty. */
  static Optional<String> headerValue(String value) {
    if (isAscii(value)) {
      return Optional.of(value);
    }
    byte[] bytes = new byte[value.length()];
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > 0xFF) {
        return Optional.empty();
      }
      bytes[i] = (byte) c;
    }
    return Utf8.decode(bytes, bytes.length);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7F) {
        return false;
      }
    }
    return true;
  }

  /** An ASCII hex digit's value, or -1 (Character.digit would take other scripts' digits too). */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
