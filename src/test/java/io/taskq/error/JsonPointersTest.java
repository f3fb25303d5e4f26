package io.taskq.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPointersTest {

  @ParameterizedTest
  @CsvSource({"plain,plain", "a/b,a~1b", "a~b,a~0b", "~1,~01", "/~,~1~0", "'',''"})
  void keysAndTokensTranslateBothWays(String key, String token) {
    assertEquals(token, JsonPointers.escape(key));
    assertEquals(key, JsonPointers.unescape(token));
  }
}
