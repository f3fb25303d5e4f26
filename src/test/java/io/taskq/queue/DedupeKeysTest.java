package io.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class DedupeKeysTest {

  @Test
  void canonicalFormSortsKeysAtEveryDepthAndNormalisesNumbers() {
    JsonObject a = new JsonObject("{\"b\": {\"y\": 1.0, \"x\": [2, {\"q\": 1, \"p\": \"s\"}]}, \"a\": null}");
    assertEquals("{\"a\":null,\"b\":{\"x\":[2,{\"p\":\"s\",\"q\":1}],\"y\":1}}", DedupeKeys.canonical(a));
  }

  @Test
  void equalContentGivesEqualKeysAndTheTypeMatters() {
    JsonObject one = new JsonObject("{\"a\": 1, \"b\": 2}");
    JsonObject two = new JsonObject("{\"b\": 2, \"a\": 1}");
    assertEquals(DedupeKeys.of("t", one), DedupeKeys.of("t", two));
    assertNotEquals(DedupeKeys.of("t", one), DedupeKeys.of("u", one));
    assertEquals(64, DedupeKeys.of("t", one).length());
  }
}
