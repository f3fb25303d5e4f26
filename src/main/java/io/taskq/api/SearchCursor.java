package io.taskq.api;

import io.taskq.error.BadRequest;
import io.taskq.queue.TaskSearch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The opaque keyset of a search listing ({@code next} in a page, {@code cursor} in the next
 * request): the last task's rank as the 8 hex digits of PostgreSQL's real (its bits, so that it
 * compares exactly), a dot, and the task's id. Every text of that form is a position (a NaN or
 * infinite rank starts from the best match), so the contract's pattern says exactly what is
 * accepted; anything else is 400.
 */
final class SearchCursor {

  /** A non-negative float's bits (sign bit clear) and an id up to 18 digits. */
  static final Pattern FORM = Pattern.compile("([0-7][0-9a-f]{7})[.]([1-9][0-9]{0,17})");

  private SearchCursor() {
  }

  static String encode(TaskSearch.Position at) {
    return String.format("%08x.%d", Float.floatToRawIntBits(at.rank()), at.id());
  }

  /** The position a cursor names; null for none; 400 for anything that is not a cursor. */
  static TaskSearch.Position decode(String raw) {
    if (raw == null) {
      return null;
    }
    Matcher m = FORM.matcher(raw);
    if (!m.matches()) {
      throw new BadRequest("query parameter cursor must be the next of a previous page of the search");
    }
    return new TaskSearch.Position(Float.intBitsToFloat(Integer.parseUnsignedInt(m.group(1), 16)), Long.parseLong(m.group(2)));
  }
}
