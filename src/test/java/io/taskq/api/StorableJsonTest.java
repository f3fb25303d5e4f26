package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pointers are written only for faults, and must still name each fault exactly, however deep. */
class StorableJsonTest {

  private static List<String> faults(Object value) {
    List<String> pointers = new ArrayList<>();
    StorableJson.check(value, "/result", (at, message) -> pointers.add(at));
    return pointers;
  }

  @Test
  void cleanValuesHaveNoFaults() {
    assertTrue(faults(new JsonObject().put("a/b", new JsonArray().add(1).add("x").add(new JsonObject().put("~", 0.5)))).isEmpty());
  }

  @Test
  void faultsAreNamedByEscapedPointersThroughObjectsAndArrays() {
    JsonObject value = new JsonObject()
        .put("ok", new JsonArray().add("fine").add(new JsonObject().put("a/b~", "nul\u0000")))
        .put("k\u0000", 1)
        .put("after", new JsonArray().add(1).add(-0.0));
    assertEquals(List.of("/result/ok/1/a~1b~0", "/result/k\u0000", "/result/after/1"), faults(value));
  }

  @Test
  void faultsDeeperThanTheTrailsFirstCapacityAreNamed() {
    Object value = "nul\u0000";
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      value = i % 2 == 0 ? new JsonArray().add(0).add(value) : new JsonObject().put("k" + i, value);
      expected.insert(0, i % 2 == 0 ? "/1" : "/k" + i);
    }
    assertEquals(List.of("/result" + expected), faults(value));
  }
}
