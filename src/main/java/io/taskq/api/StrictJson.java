package io.taskq.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.taskq.error.BadRequest;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request body as strict RFC 8259 JSON in UTF-8 into Vert.x {@link JsonObject} /
 * {@link JsonArray} values, or throws {@link BadRequest} with a message of our own (never the
 * parser's: its text names classes and features a client cannot act on).
 *
 * <p>What is refused, and why it is refused here rather than later: bytes that are not UTF-8
 * (a lenient decoder would store U+FFFD or {@code ?}, and read overlong {@code C0 AF} as
 * {@code /}, so two different ids could become one), a byte order mark, UTF-16/32, strings or
 * keys with an unpaired surrogate (from {@code \ud800}: they cannot be written back as UTF-8),
 * duplicate keys at any depth (which one wins is up to each parser), data after the value, and
 * anything Jackson's lenient features would allow (comments, NaN, single quotes, trailing
 * commas, leading zeros: all off by default in the factory below).
 *
 * <p>Numbers are read from their text, never through a double, into the types Vert.x's own
 * decoder produces, so that every reader of the tree (schema validation, dedupe keys, encoding
 * for the database) sees what it saw before:
 * <ul>
 *   <li>a number whose jsonb form has no fraction (an integer literal, or an exponent form such
 *       as {@code 1E+2}: jsonb stores it as {@code 100}) is an {@code Integer}, {@code Long} or
 *       {@code BigInteger};</li>
 *   <li>a number with a fraction is a {@code Double} when the double prints back as the same
 *       number ({@code 0.1}, {@code 1.0}, {@code 1.50}), since that is what PostgreSQL's answer
 *       is read back as; negative zero ({@code -0.0}) is a {@code Double} -0.0;</li>
 *   <li>anything else (more significant digits than a double holds, beyond its range such as
 *       {@code 1e400}) stays a {@code BigDecimal} of the exact value: integer fields then answer
 *       422 with their range, and {@link StorableJson} refuses it inside params and result.</li>
 * </ul>
 */
final class StrictJson {

  static final int MAX_DEPTH = 128;
  static final int MAX_NUMBER_CHARS = 1000;
  static final int MAX_STRING_CHARS = 10_000_000;
  /** A number beyond a double's range is never storable; past this many integer digits it is not materialised at all. */
  private static final int MAX_INTEGER_DIGITS = 400;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      // Interning hostile keys into the JVM's string table would grow it without bound.
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      // Our own limits are checked first (with our messages); these only stop Jackson from
      // refusing earlier with its own text.
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH + 10)
          .maxNumberLength(MAX_NUMBER_CHARS * 2)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNameLength(Integer.MAX_VALUE)
          .build())
      .build();


  private StrictJson() {
  }

  /** The body as a JSON object, or 400. */
  static JsonObject object(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new BadRequest("a JSON object body is required");
    }
    Object value = read(body);
    if (!(value instanceof JsonObject object)) {
      throw new BadRequest("the body must be a JSON object");
    }
    return object;
  }

  /**
   * Any JSON value of a body, read from the buffer's own bytes where it has them: a 64 MiB bulk
   * body is neither copied nor decoded into chars (that would add 192 MB to a 192 MB heap).
   */
  static Object read(Buffer body) {
    ByteBuf buf = ((BufferInternal) body).getByteBuf();
    if (buf.hasArray()) {
      return read(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
    }
    byte[] bytes = body.getBytes();
    return read(bytes, 0, bytes.length);
  }

  /** Any JSON value; {@code null} for the JSON literal null. */
  static Object read(byte[] bytes) {
    return read(bytes, 0, bytes.length);
  }

  static Object read(byte[] bytes, int offset, int length) {
    requireUtf8(bytes, offset, length);
    boolean escapes = hasSurrogateEscape(bytes, offset, length);
    try (JsonParser parser = FACTORY.createParser(bytes, offset, length)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new BadRequest("the body is not valid JSON: it holds no value");
      }
      Object value = new Reader(parser, escapes).value(first, 0);
      if (parser.nextToken() != null) {
        throw malformed("there is more data after the JSON value", parser.currentTokenLocation(), null);
      }
      return value;
    } catch (JsonEOFException e) {
      throw malformed("the JSON value is incomplete", null, null);
    } catch (StreamConstraintsException e) {
      // Only numbers can reach Jackson's limits: depth, strings and keys are checked before it.
      throw malformed("a number is longer than " + MAX_NUMBER_CHARS + " characters", null, null);
    } catch (JsonParseException e) {
      throw malformed(hint(bytes, offset, length, e.getLocation()), e.getLocation(), e.getProcessor());
    } catch (IOException | IllegalStateException e) {
      // IllegalStateException: the key canonicaliser refuses hash-flooding key sets.
      throw new BadRequest("the body is not valid JSON");
    }
  }

  /**
   * Refuses a BOM, UTF-16/32 and any byte sequence that is not well-formed UTF-8 (RFC 3629:
   * no overlong forms such as C0 AF, no encoded surrogates, nothing above U+10FFFF), checked in
   * place so that Jackson's byte parser then only ever sees valid UTF-8.
   */
  private static void requireUtf8(byte[] b, int offset, int length) {
    if (length >= 3 && (b[offset] & 0xFF) == 0xEF && (b[offset + 1] & 0xFF) == 0xBB && (b[offset + 2] & 0xFF) == 0xBF) {
      throw new BadRequest("the body starts with a byte order mark; send UTF-8 JSON without one");
    }
    if (length >= 2 && (b[offset] == 0 || b[offset + 1] == 0 || (b[offset] & 0xFE) == 0xFE)) {
      throw new BadRequest("the body must be UTF-8; it looks like UTF-16 or UTF-32");
    }
    int bad = Utf8.firstInvalid(b, offset, offset + length);
    if (bad >= 0) {
      throw new BadRequest("the body is not valid UTF-8 (at byte " + (bad - offset) + ")");
    }
  }

  /** Whether any {@code \\uD800}-{@code \\uDFFF} escape occurs: raw surrogates never pass the UTF-8 check, so only escapes can leave one unpaired. */
  private static boolean hasSurrogateEscape(byte[] b, int offset, int length) {
    int end = offset + length - 2;
    for (int i = offset; i < end; i++) {
      if (b[i] == '\\' && b[i + 1] == 'u' && (b[i + 2] == 'd' || b[i + 2] == 'D')) {
        return true;
      }
    }
    return false;
  }

  private static final class Reader {
    private final JsonParser parser;
    private final boolean checkSurrogates;

    Reader(JsonParser parser, boolean checkSurrogates) {
      this.parser = parser;
      this.checkSurrogates = checkSurrogates;
    }

    Object value(JsonToken token, int depth) throws IOException {
      if (token == null) {
        throw malformed("the JSON value is incomplete", null, null);
      }
      switch (token) {
        case START_OBJECT:
          return object(depth + 1);
        case START_ARRAY:
          return array(depth + 1);
        case VALUE_STRING:
          return string();
        case VALUE_NUMBER_INT:
          checkNumberLength();
          return switch (parser.getNumberType()) {
            case INT -> parser.getIntValue();
            case LONG -> parser.getLongValue();
            default -> parser.getBigIntegerValue();
          };
        case VALUE_NUMBER_FLOAT:
          checkNumberLength();
          return decimal(parser);
        case VALUE_TRUE:
          return Boolean.TRUE;
        case VALUE_FALSE:
          return Boolean.FALSE;
        case VALUE_NULL:
          return null;
        default:
          throw malformed("unexpected " + token, parser.currentTokenLocation(), parser);
      }
    }

    private JsonObject object(int depth) throws IOException {
      tooDeep(depth);
      Map<String, Object> map = new LinkedHashMap<>();
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        checkText(key);
        int size = map.size();
        map.put(key, value(parser.nextToken(), depth));
        if (map.size() == size) {
          JsonStreamContext object = parser.getParsingContext();
          // After the value the context may be the value's own: climb to the object holding the key.
          while (object != null && !(object.inObject() && key.equals(object.getCurrentName()))) {
            object = object.getParent();
          }
          String at = object == null || object.getParent() == null ? "" : object.getParent().pathAsPointer().toString();
          throw new BadRequest("the body is not valid JSON: duplicate key \"" + printable(key) + "\" in "
              + (at.isEmpty() ? "the top-level object" : "the object at " + shortened(at)));
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw malformed("an object is not closed", parser.currentTokenLocation(), parser);
      }
      return new JsonObject(map);
    }

    private JsonArray array(int depth) throws IOException {
      tooDeep(depth);
      List<Object> list = new ArrayList<>();
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          throw malformed("an array is not closed", null, null);
        }
        list.add(value(token, depth));
      }
      return new JsonArray(list);
    }

    private String string() throws IOException {
      String s = parser.getText();
      checkText(s);
      return s;
    }

    private void checkText(String s) {
      if (s.length() > MAX_STRING_CHARS) {
        throw new BadRequest("the body is not valid JSON: a string or key at " + here() + " is longer than "
            + MAX_STRING_CHARS + " characters");
      }
      if (checkSurrogates && hasUnpairedSurrogate(s)) {
        throw new BadRequest("the body is not valid JSON: a string or key at " + here()
            + " holds an unpaired UTF-16 surrogate (such as \\ud800 alone), which is not Unicode text");
      }
    }

    private void checkNumberLength() throws IOException {
      if (parser.getTextLength() > MAX_NUMBER_CHARS) {
        throw new BadRequest("the body is not valid JSON: the number at " + here() + " is longer than "
            + MAX_NUMBER_CHARS + " characters");
      }
    }

    private void tooDeep(int depth) {
      if (depth > MAX_DEPTH) {
        throw new BadRequest("the body is not valid JSON: it nests deeper than " + MAX_DEPTH + " levels (at " + here() + ")");
      }
    }

    private String here() {
      String pointer = parser.getParsingContext().pathAsPointer().toString();
      return pointer.isEmpty() ? "the top level" : shortened(pointer);
    }
  }

  /**
   * A number with a fraction or exponent, typed as described on the class. {@code negative}
   * says whether its text had a minus sign, which a BigDecimal zero forgets.
   */
  private static Object decimal(JsonParser parser) throws IOException {
    boolean negative = parser.getTextCharacters()[parser.getTextOffset()] == '-';
    try {
      return decimal(parser.getDecimalValue(), negative);
    } catch (NumberFormatException exponentOverflow) {
      return beyondExponentRange(parser.getText(), negative);
    }
  }

  /**
   * A number whose exponent a BigDecimal cannot hold ({@code 1e9999999999}): its exact value is
   * of no use to anyone, only its kind. Zero is zero; otherwise a stand-in beyond a double's range
   * (or below its smallest step) with the same sign, which integer fields and {@link StorableJson}
   * then refuse naming the field, as they refuse {@code 1e400}.
   */
  static Object beyondExponentRange(String text, boolean negative) {
    int e = Math.max(text.indexOf('e'), text.indexOf('E'));
    String mantissa = e < 0 ? text : text.substring(0, e);
    if (mantissa.chars().noneMatch(c -> c >= '1' && c <= '9')) {
      return decimal(BigDecimal.ZERO, negative);
    }
    boolean tiny = e >= 0 && e + 1 < text.length() && text.charAt(e + 1) == '-';
    BigDecimal standIn = tiny ? new BigDecimal("1e-400") : new BigDecimal("1e400");
    return negative ? standIn.negate() : standIn;
  }

  static Object decimal(BigDecimal value, boolean negative) {
    if (value.signum() == 0) {
      return negative ? -0.0d : (value.scale() > 0 ? (Object) 0.0d : (Object) 0);
    }
    if (value.scale() <= 0) {
      // jsonb keeps an exponent form with no fraction as an integer (1E+2 -> 100).
      long digits = (long) value.precision() - value.scale(); // a long: 1e2147483647 overflows an int
      if (digits <= 18) {
        long whole = value.longValueExact();
        return whole == (int) whole ? (Object) (int) whole : (Object) whole;
      }
      return digits <= MAX_INTEGER_DIGITS ? value.toBigIntegerExact() : value;
    }
    double d = value.doubleValue();
    if (Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(value) == 0) {
      return d;
    }
    return value;
  }

  /**
   * Whether an integer beyond int64 is one a double holds: within its range, and with at most
   * 15 significant digits (which every double reproduces) or printed back unchanged by
   * Double.toString. The integer itself is stored and read back exactly (jsonb, then
   * BigInteger); the rule is there for clients that read JSON numbers as doubles. Java 17's
   * Double.toString prints some doubles from 1e16 up with a spare digit
   * (4.65612E21 -> 4.6561200000000003E21), which is why it is not the only test.
   */
  static boolean doubleHolds(BigInteger value) {
    double d = value.doubleValue();
    if (!Double.isFinite(d)) {
      return false;
    }
    BigDecimal exact = new BigDecimal(value);
    return exact.stripTrailingZeros().precision() <= 15 || new BigDecimal(Double.toString(d)).compareTo(exact) == 0;
  }

  static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** A pointer as it may appear inside our message: at most 200 characters. */
  static String shortened(String pointer) {
    return pointer.length() <= 200 ? pointer : pointer.substring(0, 200) + "...";
  }

  /** A key as it may appear inside our message: control characters and surrogates escaped, at most 100 characters. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 100; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static BadRequest malformed(String what, JsonLocation location, JsonParser parser) {
    StringBuilder detail = new StringBuilder("the body is not valid JSON: ").append(what);
    if (location != null && location.getLineNr() > 0) {
      detail.append(" (line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr());
      if (parser != null) {
        String pointer = parser.getParsingContext().pathAsPointer().toString();
        if (!pointer.isEmpty()) {
          detail.append(", at ").append(shortened(pointer));
        }
      }
      detail.append(')');
    }
    return new BadRequest(detail.toString());
  }

  /**
   * Our own words for the commonest non-JSON a lenient parser would have taken, judged from the
   * text around the fault (the parser reports where it stopped, at or just after the culprit).
   */
  static String hint(byte[] bytes, int offset, int length, JsonLocation location) {
    long byteAt = location == null ? -1 : location.getByteOffset();
    if (byteAt < 0) {
      return "unexpected input";
    }
    // Only the text around the fault is needed: decode a window of it, not the whole body.
    int from = (int) Math.max(0, byteAt - 256);
    int to = (int) Math.min(length, byteAt + 256);
    String window = new String(bytes, offset + from, to - from, StandardCharsets.UTF_8);
    int at = new String(bytes, offset + from, (int) Math.min(byteAt, length) - from, StandardCharsets.UTF_8).length();
    return hint(window.toCharArray(), window.length(), at);
  }

  static String hint(char[] text, int length, int at) {
    for (int i = Math.max(0, at - 1); i <= at && i < length; i++) {
      char c = text[i];
      if (c == '/' || c == '#') {
        return "comments are not allowed";
      }
      if (c == '\'') {
        return "strings must be in double quotes";
      }
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        return "control characters must be escaped inside strings";
      }
    }
    for (int i = Math.max(0, at - 2); i < at && i < length; i++) {
      if (text[i] == '\\') {
        return "an escape inside a string is not one of JSON's (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";
      }
    }
    // The word the parser stopped in or just after.
    String word = "";
    for (int pos = Math.min(at, length - 1); pos >= Math.max(0, at - 2); pos--) {
      if (isWordChar(text[pos])) {
        int begin = pos;
        int end = pos;
        while (begin > 0 && isWordChar(text[begin - 1])) {
          begin--;
        }
        while (end + 1 < length && isWordChar(text[end + 1])) {
          end++;
        }
        word = new String(text, begin, end - begin + 1);
        break;
      }
    }
    if (word.matches("[-+]?(NaN|Infinity|Inf|inf|nan|infinity)")) {
      return "NaN and Infinity are not JSON numbers";
    }
    if (word.matches("-?0[0-9].*")) {
      return "numbers must not have leading zeros";
    }
    if (word.matches("[+.].*|-?[0-9]+\\.([eE].*)?|-?[0-9.]*[eE][+-]?")) {
      return "a number is not written as JSON writes numbers";
    }
    if (word.matches("[-+]?[A-Za-z_].*")) {
      return "text outside double quotes (strings must be in double quotes; the literals are true, false and null)";
    }
    for (int close = Math.max(0, at - 1); close <= at && close < length; close++) {
      if (text[close] == '}' || text[close] == ']') {
        int before = close - 1;
        while (before >= 0 && Character.isWhitespace(text[before])) {
          before--;
        }
        if (before >= 0 && text[before] == ',') {
          return "a trailing comma";
        }
      }
    }
    return "unexpected input";
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '+' || c == '_';
  }
}
