package io.taskq.api;

import io.taskq.error.JsonPointers;
import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict reading of a JSON object's fields. Each accessor declares its field known; a fault is
 * recorded with its JSON Pointer rather than thrown, so that a response lists every fault at
 * once; {@link #rejectUnknown()} flags fields nobody asked for, which would otherwise be
 * silently lost.
 */
final class Fields {

  private static final Pattern RFC_3339 =
      Pattern.compile("([0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,9})?)(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))");
  private static final Instant FIRST_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant AFTER_LAST_INSTANT = Instant.parse("+10000-01-01T00:00:00Z");

  private final JsonObject json;
  private final String base;
  private final Integer index;
  private final List<FieldError> errors;
  private final Set<String> known = new HashSet<>();

  Fields(JsonObject json, String base, Integer index, List<FieldError> errors) {
    this.json = json;
    this.base = base;
    this.index = index;
    this.errors = errors;
  }

  /** The request body as a JSON object (strict JSON in UTF-8, see {@link StrictJson}), or 400. */
  static JsonObject body(RoutingContext rc) {
    return StrictJson.object(rc.body().buffer());
  }

  /**
   * The body of an operation whose body is optional: an empty object when there is none. A body
   * of the JSON literal {@code null} counts as none, because that is what generated clients
   * send for an omitted optional body (openapi-generator's Java client does).
   */
  static JsonObject optionalBody(RoutingContext rc) {
    io.vertx.core.buffer.Buffer buffer = rc.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      return new JsonObject();
    }
    Object value = StrictJson.read(buffer);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject object)) {
      throw new io.taskq.error.BadRequest("the body must be a JSON object");
    }
    return object;
  }

  static Fields of(JsonObject json, List<FieldError> errors) {
    return new Fields(json, "", null, errors);
  }

  Fields item(JsonObject item, String pointer, int itemIndex) {
    return new Fields(item, pointer, itemIndex, errors);
  }

  /** An object nested in this one at {@code pointer} (below {@link #pointer}), faulting with this one's item index. */
  Fields nested(JsonObject object, String pointer) {
    return new Fields(object, pointer, index, errors);
  }

  /** Records a fault at a pointer below this object's own (an element of an array member). */
  void faultAt(String pointer, String message) {
    errors.add(new FieldError(pointer, index, message));
  }

  String pointer(String name) {
    return base + "/" + JsonPointers.escape(name);
  }

  void fault(String name, String message) {
    errors.add(new FieldError(pointer(name), index, message));
  }

  private Object value(String name) {
    known.add(name);
    return json.getValue(name);
  }

  private boolean missing(String name, Object value, boolean required) {
    if (value == null) {
      if (required) {
        fault(name, name + " is required");
      }
      return true;
    }
    return false;
  }

  String string(String name, boolean required, int maxLength) {
    Object value = value(name);
    if (missing(name, value, required)) {
      return null;
    }
    if (!(value instanceof String s)) {
      fault(name, name + " must be a string");
      return null;
    }
    if (s.isEmpty() && required) {
      fault(name, name + " must not be empty");
      return null;
    }
    if (s.codePointCount(0, s.length()) > maxLength) {
      fault(name, name + " must be at most " + maxLength + " characters");
      return null;
    }
    if (s.indexOf('\u0000') >= 0) {
      fault(name, name + " must not contain NUL characters");
      return null;
    }
    return s;
  }

  /**
   * A name: a string with something visible in it. Blank text (empty, or only white space,
   * controls and invisible format characters) names nothing and is refused like a missing value.
   */
  String name(String name, boolean required, int maxLength) {
    String s = string(name, required, maxLength);
    if (s != null && s.codePoints().allMatch(Fields::invisible)) {
      fault(name, name + " must not be blank");
      return null;
    }
    return s;
  }

  private static boolean invisible(int codePoint) {
    return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || Character.isISOControl(codePoint)
        || Character.getType(codePoint) == Character.FORMAT;
  }

  /** A non-empty string, when given. */
  String optionalNonEmpty(String name, int maxLength) {
    String s = string(name, false, maxLength);
    if (s != null && s.isEmpty()) {
      fault(name, name + " must not be empty");
      return null;
    }
    return s;
  }

  Integer integer(String name, boolean required, long min, long max) {
    Object value = value(name);
    if (missing(name, value, required)) {
      return null;
    }
    Long whole = wholeNumber(name, value, min, max, name + " must be between " + min + " and " + max);
    return whole == null ? null : whole.intValue();
  }

  /** A required positive id (JSON integer). */
  Long id(String name) {
    Object value = value(name);
    if (missing(name, value, true)) {
      return null;
    }
    return wholeNumber(name, value, 1, Long.MAX_VALUE, name + " must be a positive whole number of at most " + Long.MAX_VALUE);
  }

  /**
   * The value as a long within [min, max], or null with a fault. Numbers arrive exact (see
   * {@link StrictJson}): a BigDecimal may be 1e400 or 1e-400, which are compared, never
   * converted, so nothing is clamped or rounded into range.
   */
  private Long wholeNumber(String name, Object value, long min, long max, String outOfRange) {
    long whole;
    if (value instanceof Integer || value instanceof Long) {
      whole = ((Number) value).longValue();
    } else if (value instanceof Number number && !(value instanceof Float)) {
      BigDecimal exact = number instanceof BigDecimal d ? d
          : number instanceof BigInteger i ? new BigDecimal(i)
          : new BigDecimal(number.toString());
      if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
        fault(name, name + " must be a whole number");
        return null;
      }
      if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
        fault(name, outOfRange);
        return null;
      }
      whole = exact.longValue();
    } else {
      fault(name, name + " must be a whole number");
      return null;
    }
    if (whole < min || whole > max) {
      fault(name, outOfRange);
      return null;
    }
    return whole;
  }

  boolean bool(String name, boolean fallback) {
    Object value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      fault(name, name + " must be true or false");
      return fallback;
    }
    return b;
  }

  JsonObject object(String name, boolean required) {
    Object value = value(name);
    if (missing(name, value, required)) {
      return null;
    }
    if (!(value instanceof JsonObject o)) {
      fault(name, name + " must be a JSON object");
      return null;
    }
    return o;
  }

  JsonArray array(String name, boolean required) {
    Object value = value(name);
    if (missing(name, value, required)) {
      return null;
    }
    if (!(value instanceof JsonArray a)) {
      fault(name, name + " must be an array");
      return null;
    }
    return a;
  }

  /** Whether the field is in the object at all (even as null). */
  boolean has(String name) {
    known.add(name);
    return json.containsKey(name);
  }

  /** Any JSON value; a JSON null counts as absent. */
  Object any(String name) {
    return value(name);
  }

  /**
   * Any JSON value that is to be stored as the client sent it (params, result), or null with a
   * fault per part that could not be kept exactly (see {@link StorableJson}).
   */
  Object storableJson(String name) {
    Object value = value(name);
    if (value == null) {
      return null;
    }
    int[] count = {0};
    boolean clean = StorableJson.check(value, pointer(name), (at, message) -> {
      errors.add(new FieldError(at, index, message));
      return ++count[0] < StorableJson.MAX_FAULTS;
    });
    return clean ? value : null;
  }

  /** A JSON object to be stored as the client sent it (params). */
  JsonObject storableObject(String name, boolean required) {
    JsonObject object = object(name, required);
    if (object == null) {
      return null;
    }
    int before = errors.size();
    storableJson(name);
    return errors.size() == before ? object : null;
  }

  /**
   * An RFC 3339 timestamp with an offset, in years 0001-9999 both as written and as an instant
   * in UTC: PostgreSQL holds wider years, but they cannot be written back as RFC 3339.
   */
  Instant timestamp(String name) {
    String s = string(name, false, 64);
    if (s == null) {
      return null;
    }
    Matcher parts = RFC_3339.matcher(s);
    if (parts.matches() && !s.startsWith("0000")) {
      try {
        // The offset is applied by hand: RFC 3339 allows offsets up to 23:59, java.time only up to 18:00.
        int offsetSeconds = parts.group(2) == null ? 0 : rfc3339Offset(parts.group(2), parts.group(3), parts.group(4));
        Instant instant = LocalDateTime.parse(parts.group(1).toUpperCase(Locale.ROOT)).toInstant(ZoneOffset.UTC)
            .minusSeconds(offsetSeconds);
        if (!instant.isBefore(FIRST_INSTANT) && instant.isBefore(AFTER_LAST_INSTANT)) {
          return instant;
        }
      } catch (DateTimeParseException e) {
        // falls through to the fault
      }
    }
    fault(name, name + " must be an RFC 3339 timestamp with an offset in years 0001 to 9999, such as 2026-01-31T12:00:00Z");
    return null;
  }

  private static int rfc3339Offset(String sign, String hours, String minutes) {
    int h = Integer.parseInt(hours);
    int m = Integer.parseInt(minutes);
    if (h > 23 || m > 59) {
      throw new DateTimeParseException("offset out of range", hours + ":" + minutes, 0);
    }
    return ("-".equals(sign) ? -1 : 1) * (h * 3600 + m * 60);
  }

  UUID uuid(String name, boolean required) {
    String s = string(name, required, 64);
    if (s == null) {
      return null;
    }
    try {
      UUID id = UUID.fromString(s);
      if (!id.toString().equalsIgnoreCase(s)) {
        throw new IllegalArgumentException("not canonical");
      }
      return id;
    } catch (IllegalArgumentException e) {
      fault(name, name + " must be a UUID");
      return null;
    }
  }

  List<String> strings(String name, int maxItems, int maxLength) {
    JsonArray array = array(name, false);
    if (array == null) {
      return null;
    }
    if (array.size() > maxItems) {
      fault(name, name + " may list at most " + maxItems + " entries");
      return null;
    }
    List<String> values = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof String s) || s.isEmpty() || s.length() > maxLength) {
        errors.add(new FieldError(pointer(name) + "/" + i, index,
            name + " entries must be non-empty strings of at most " + maxLength + " characters"));
        return null;
      }
      values.add(s);
    }
    return values;
  }

  /** Records every field of the object that no accessor asked for. */
  void rejectUnknown() {
    for (String name : json.fieldNames()) {
      if (!known.contains(name)) {
        fault(name, "unknown field " + name);
      }
    }
  }

  /** Throws 422 listing every fault recorded so far, if any. */
  void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw new Invalid(errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid", errors);
    }
  }

}
