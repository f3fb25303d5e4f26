package io.taskq.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * RFC 3339 UTC timestamps exactly as {@link DateTimeFormatter#ISO_INSTANT} writes them: seconds
 * always, the fraction in groups of three digits only as long as it needs, then {@code Z}. Written
 * by hand for years 1 to 9999 because the formatter's general machinery cost about a microsecond
 * per timestamp, and a task carries six; other years (a '+' prefix or a negative year) go to the
 * formatter itself.
 */
final class Timestamps {

  private static final long FIRST_SECOND = LocalDate.of(1, 1, 1).toEpochDay() * 86_400;
  private static final long AFTER_LAST_SECOND = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400;

  private Timestamps() {
  }

  static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST_SECOND || seconds >= AFTER_LAST_SECOND) {
      return DateTimeFormatter.ISO_INSTANT.format(instant);
    }
    long day = Math.floorDiv(seconds, 86_400);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    LocalDate date = LocalDate.ofEpochDay(day);
    int nano = instant.getNano();
    int fractionDigits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    char[] out = new char[20 + (fractionDigits == 0 ? 0 : 1 + fractionDigits)];
    digits(out, 0, date.getYear(), 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60, 2);
    int end = 19;
    if (fractionDigits > 0) {
      out[end++] = '.';
      int scaled = fractionDigits == 3 ? nano / 1_000_000 : fractionDigits == 6 ? nano / 1_000 : nano;
      digits(out, end, scaled, fractionDigits);
      end += fractionDigits;
    }
    out[end] = 'Z';
    return new String(out);
  }

  /** Writes value as exactly width decimal digits, zero-padded, at from. */
  private static void digits(char[] out, int from, int value, int width) {
    for (int i = from + width - 1; i >= from; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
