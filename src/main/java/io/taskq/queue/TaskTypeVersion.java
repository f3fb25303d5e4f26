package io.taskq.queue;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The spelling of a task type's version: text of 1-50 characters ("1.0.0", "2", "2025-06-01"),
 * without white space, control or invisible format characters (a version is typed into URLs and
 * logs, where those cannot be told apart). A JSON number stands for its decimal string when it is
 * a whole number from 0 to 2^63-1, the range of every integer of the API (1 is "1", 1e2 is "100");
 * a negative, fractional or larger number is refused, since "-1" or "1.50" could not be told from
 * what the client meant as text.
 */
public final class TaskTypeVersion {

  public static final int MAX_LENGTH = 50;

  private TaskTypeVersion() {
  }

  /** What is wrong with {@code version} as a version's text, or empty when nothing is. */
  public static Optional<String> fault(String version) {
    int length = version.codePointCount(0, version.length());
    if (length < 1 || length > MAX_LENGTH) {
      return Optional.of("must be 1 to " + MAX_LENGTH + " characters");
    }
    if (version.codePoints().anyMatch(TaskTypeVersion::unprintable)) {
      return Optional.of("must not contain white space, control or invisible characters");
    }
    return Optional.empty();
  }

  private static final BigDecimal MAX_NUMBER = BigDecimal.valueOf(Long.MAX_VALUE);

  /** The decimal string of a whole number from 0 to 2^63-1, or empty when {@code number} is not one. */
  public static Optional<String> ofNumber(Number number) {
    BigDecimal exact = number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
    if (exact.signum() < 0 || (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0)
        || exact.precision() - exact.scale() > MAX_LENGTH || exact.compareTo(MAX_NUMBER) > 0) {
      return Optional.empty();
    }
    return Optional.of(exact.signum() == 0 ? "0" : exact.stripTrailingZeros().toPlainString());
  }

  private static boolean unprintable(int codePoint) {
    return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || Character.isISOControl(codePoint)
        || Character.getType(codePoint) == Character.FORMAT || Character.getType(codePoint) == Character.SURROGATE
        || Character.getType(codePoint) == Character.UNASSIGNED;
  }
}
