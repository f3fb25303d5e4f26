package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.error.BadRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The body reader alone: what strict JSON in UTF-8 admits, what it refuses, and the words it uses. */
class StrictJsonReaderTest {

  private static Object read(String text) {
    return StrictJson.read(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String refused(byte[] bytes) {
    BadRequest e = assertThrows(BadRequest.class, () -> StrictJson.read(bytes));
    return e.detail();
  }

  private static String refused(String text) {
    return refused(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] concat(String before, byte[] middle, String after) {
    Buffer b = Buffer.buffer(before).appendBytes(middle).appendString(after);
    return b.getBytes();
  }

  @Test
  void readsOrdinaryJsonIntoVertxTypes() {
    JsonObject o = (JsonObject) read(" {\"a\": [1, 2147483648, 12345678901234567890, 0.5, true, null, \"x\\u00e9\"], \"b\": {}} \n");
    JsonArray a = o.getJsonArray("a");
    assertEquals(1, a.getValue(0));
    assertEquals(2147483648L, a.getValue(1));
    assertEquals(new BigInteger("12345678901234567890"), a.getValue(2));
    assertEquals(0.5, a.getValue(3));
    assertEquals(true, a.getValue(4));
    assertNull(a.getValue(5));
    assertEquals("xé", a.getValue(6));
    assertEquals(new JsonObject(), o.getJsonObject("b"));
    assertEquals("😀", read("\"\\ud83d\\ude00\""));
    assertEquals("😀", read("\"😀\""));
  }

  @Test
  void refusesWhatLenientParsersTake() {
    assertTrue(refused("{\"a\": 1 /* c */}").contains("comments"), refused("{\"a\": 1 /* c */}"));
    assertTrue(refused("{\"a\": 1} // c").contains("not valid JSON"));
    assertTrue(refused("{\"a\": NaN}").contains("NaN"), refused("{\"a\": NaN}"));
    refused("{\"a\": Infinity}");
    refused("{\"a\": -Infinity}");
    assertTrue(refused("{'a': 1}").contains("double quotes"), refused("{'a': 1}"));
    refused("{\"a\": 1,}");
    refused("[1, 2,]");
    refused("{\"a\": 01}");
    refused("{\"a\": +1}");
    refused("{\"a\": .5}");
    refused("{\"a\": 1.}");
    refused("{a: 1}");
    refused("{\"a\": \"tab\tinside\"}");
    assertTrue(refused("{\"a\": 1} {}").contains("more data after"), refused("{\"a\": 1} {}"));
    refused("{\"a\": 1} x");
    assertTrue(refused("{\"a\": ").contains("incomplete"), refused("{\"a\": "));
    refused("");
    refused("   ");
  }

  @Test
  void refusesDuplicateKeysAtAnyDepthNamingThem() {
    String top = refused("{\"type\": \"a\", \"type\": \"b\"}");
    assertTrue(top.contains("duplicate key \"type\"") && top.contains("top-level"), top);
    String deep = refused("{\"params\": {\"a\": [{\"x\": 1, \"x\": {\"y\": 2}}]}}");
    assertTrue(deep.contains("duplicate key \"x\"") && deep.contains("/params/a/0"), deep);
    String nullValued = refused("{\"a\": null, \"a\": null}");
    assertTrue(nullValued.contains("duplicate key \"a\""), nullValued);
  }

  @Test
  void refusesBytesThatAreNotUtf8() {
    assertTrue(refused(concat("{\"a\": \"", bytes(0xC0, 0xAF), "\"}")).contains("UTF-8"), "overlong /");
    refused(concat("{\"a\": \"", bytes(0xE0, 0x80, 0xAF), "\"}"));
    refused(concat("{\"a\": \"", bytes(0xED, 0xA0, 0x80), "\"}")); // an encoded surrogate
    refused(concat("{\"a\": \"", bytes(0xF4, 0x90, 0x80, 0x80), "\"}")); // beyond U+10FFFF
    refused(concat("{\"a\": \"", bytes(0xFF), "\"}"));
    refused(concat("{\"a\": \"", bytes(0xC3), "\"}")); // truncated sequence
    assertTrue(refused(concat("", bytes(0xEF, 0xBB, 0xBF), "{}")).contains("byte order mark"));
    String utf16 = refused("{\"a\": 1}".getBytes(StandardCharsets.UTF_16LE));
    assertTrue(utf16.contains("UTF-16"), utf16);
    refused("{\"a\": 1}".getBytes(StandardCharsets.UTF_16BE));
    refused("{\"a\": 1}".getBytes(StandardCharsets.UTF_16));
    refused("{\"a\": 1}".getBytes(java.nio.charset.Charset.forName("UTF-32")));
    refused("{\"a\": 1}".getBytes(java.nio.charset.Charset.forName("UTF-32LE")));
  }

  /** The in-place UTF-8 check says yes exactly when the JDK's reporting decoder does, on a million random short sequences. */
  @Test
  void utf8CheckAgreesWithTheJdkDecoder() throws Exception {
    java.util.Random random = new java.util.Random(11);
    java.nio.charset.CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    int valid = 0;
    for (int n = 0; n < 1_000_000; n++) {
      byte[] b = new byte[1 + random.nextInt(6)];
      for (int i = 0; i < b.length; i++) {
        // Mostly bytes around the interesting boundaries (lead bytes, continuation bytes).
        b[i] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(256));
      }
      boolean jdkValid;
      try {
        jdk.reset().decode(java.nio.ByteBuffer.wrap(b));
        jdkValid = true;
      } catch (java.nio.charset.CharacterCodingException e) {
        jdkValid = false;
      }
      boolean ours = Utf8.firstInvalid(b, 0, b.length) < 0;
      assertEquals(jdkValid, ours, () -> java.util.HexFormat.of().formatHex(b));
      valid += ours ? 1 : 0;
    }
    assertTrue(valid > 1000, "the sample holds valid sequences too: " + valid);
  }

  @Test
  void refusesUnpairedSurrogatesInStringsAndKeys() {
    for (String s : new String[] {"\"\\ud800\"", "\"x\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ude00\\ud83d\"", "{\"\\udc01\": 1}",
        "{\"a\": [\"ok\", \"\\uD800\"]}"}) {
      String detail = refused(s);
      assertTrue(detail.contains("unpaired"), s + " -> " + detail);
    }
  }

  @Test
  void limitsAnswerInOurWords() {
    String deep = "[".repeat(StrictJson.MAX_DEPTH + 1) + "]".repeat(StrictJson.MAX_DEPTH + 1);
    assertTrue(refused(deep).contains("nests deeper"), refused(deep));
    String ok = "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH);
    assertInstanceOf(JsonArray.class, read(ok));
    String veryDeep = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
    assertTrue(refused(veryDeep).contains("nests deeper"));
    String longNumber = "[" + "1".repeat(StrictJson.MAX_NUMBER_CHARS + 1) + "]";
    assertTrue(refused(longNumber).contains("longer than"), refused(longNumber));
    String longFraction = "[0." + "1".repeat(5000) + "]";
    assertTrue(refused(longFraction).contains("not valid JSON"), refused(longFraction));
  }

  @Test
  void neverQuotesTheLibrary() {
    List<String> details = new ArrayList<>();
    for (String s : new String[] {"{\"a\": NaN}", "{\"a\": 1 /* */}", "{'a': 1}", "[1,]", "{\"a\": 01}", "{\"a\" 1}", "[1 2]",
        "{\"a\": tru}", "\"\\x\"", "[" + "9".repeat(3000) + "]", "[0." + "1".repeat(3000) + "]", "[1e" + "9".repeat(3000) + "]",
        "[\"\u0001\"]", "{\"a\": 1}}", "]", "{\"a\": \"\\ud800\"}", "[".repeat(2000)}) {
      details.add(refused(s));
    }
    for (String d : details) {
      for (String internal : new String[] {"Stream", "JsonReadFeature", "Source:", "jackson", "Jackson", "Exception", "REDACTED",
          "ALLOW_", "token", "Unexpected character"}) {
        assertFalse(d.contains(internal), d);
      }
    }
  }

  /** Exponents beyond what a BigDecimal holds are read as numbers out of every range, never thrown as library errors. */
  @Test
  void exponentsBeyondABigDecimalAreNumbersOutOfRange() {
    JsonArray a = (JsonArray) read("[1e9999999999, -1e9999999999, 1e-9999999999, 0e9999999999, 1e2147483647, -0e9999999999]");
    assertEquals(new BigDecimal("1e400"), a.getValue(0));
    assertEquals(new BigDecimal("-1e400"), a.getValue(1));
    assertEquals(new BigDecimal("1e-400"), a.getValue(2));
    assertEquals(0, a.getValue(3));
    assertEquals(new BigDecimal("1e2147483647"), a.getValue(4));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) a.getValue(5)));
  }

  @Test
  void numbersAreReadExactlyNeverThroughADouble() {
    JsonArray a = (JsonArray) read("[1e400, -1e400, 1e19, 1E+2, 1.0, 1.50, -0.0, -0, 0.10000000000000001, 1e-400, 1.5e300, 1e999999999, 0e-20000]");
    assertEquals(new BigDecimal("1e400"), a.getValue(0));
    assertEquals(new BigDecimal("-1e400"), a.getValue(1));
    assertEquals(new BigInteger("10000000000000000000"), a.getValue(2));
    assertEquals(100, a.getValue(3));
    assertEquals(1.0, a.getValue(4));
    assertEquals(1.5, a.getValue(5));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) a.getValue(6)));
    assertEquals(0, a.getValue(7));
    assertEquals(new BigDecimal("0.10000000000000001"), a.getValue(8));
    assertEquals(new BigDecimal("1e-400"), a.getValue(9));
    assertEquals(new BigDecimal("1.5e300").toBigIntegerExact(), a.getValue(10));
    assertEquals(new BigDecimal("1e999999999"), a.getValue(11));
    assertEquals(0.0, a.getValue(12));
  }

  @Test
  void storableValuesAreThoseThatReadBackTheSame() {
    JsonObject o = (JsonObject) read("{\"ok\": [0.1, 2.5e-3, 1e20, 9223372036854775807, -9223372036854775808, 4.9E-324, 1.7976931348623157e308, 4.65612E+21],"
        + " \"bad\": [1e400, 0.10000000000000001, 12345678901234567890123, -0.0, \"a\\u0000b\", {\"k\\u0000\": 1}, 1e-400]}");
    List<String> faults = new ArrayList<>();
    assertTrue(StorableJson.check(o.getValue("ok"), "/ok", (p, m) -> faults.add(p)), faults.toString());
    assertFalse(StorableJson.check(o.getValue("bad"), "/bad", (p, m) -> faults.add(p)));
    assertEquals(List.of("/bad/0", "/bad/1", "/bad/2", "/bad/3", "/bad/4", "/bad/5/k\u0000", "/bad/6"), faults);
  }
}
