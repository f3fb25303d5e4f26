package io.taskq.api;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Strict UTF-8, checked once for every place that reads client bytes (bodies, percent-escapes,
 * header values): overlong forms, encoded surrogates and code points past U+10FFFF are refused.
 */
final class Utf8 {

  private Utf8() {
  }

  /** The index of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
  static int firstInvalid(byte[] b, int from, int end) {
    int i = from;
    while (i < end) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int min = 0x80;
      int max = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) {
          min = 0xA0; // overlong
        } else if (c == 0xED) {
          max = 0x9F; // UTF-16 surrogates
        }
      } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) {
          min = 0x90; // overlong
        } else if (c == 0xF4) {
          max = 0x8F; // beyond U+10FFFF
        }
      } else {
        return i; // a continuation byte, C0/C1 (overlong) or F5-FF
      }
      if (i + need >= end) {
        return i;
      }
      int second = b[i + 1] & 0xFF;
      if (second < min || second > max) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += need + 1;
    }
    return -1;
  }

  /** The first {@code length} bytes as a string, or empty when they are not well-formed UTF-8. */
  static Optional<String> decode(byte[] bytes, int length) {
    return firstInvalid(bytes, 0, length) < 0
        ? Optional.of(new String(bytes, 0, length, StandardCharsets.UTF_8))
        : Optional.empty();
  }
}
