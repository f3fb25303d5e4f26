package io.taskq.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParamTemplateTest {

  @Test
  void anExactPlaceholderTakesTheRunsValueWhateverItsType() {
    JsonObject run = new JsonObject().put("N", 5).put("URL", "https://x").put("TAGS", new JsonArray().add("a"))
        .put("OPTS", new JsonObject().put("deep", true)).put("FLAG", false);
    JsonObject template = new JsonObject().put("n", "${N}").put("url", "${URL}").put("tags", "${TAGS}").put("opts", "${OPTS}")
        .put("flag", "${FLAG}");
    List<String> missing = new ArrayList<>();
    Object result = ParamTemplate.apply(template, run, missing);
    assertEquals(new JsonObject().put("n", 5).put("url", "https://x").put("tags", new JsonArray().add("a"))
        .put("opts", new JsonObject().put("deep", true)).put("flag", false), result);
    assertTrue(missing.isEmpty());
  }

  @Test
  void placeholdersInsideArraysAndNestedObjectsAreReplaced() {
    JsonObject template = new JsonObject().put("list", new JsonArray().add("${A}").add(1).add(new JsonObject().put("b", "${B}")));
    Object result = ParamTemplate.apply(template, new JsonObject().put("A", "a").put("B", 2), new ArrayList<>());
    assertEquals(new JsonObject().put("list", new JsonArray().add("a").add(1).add(new JsonObject().put("b", 2))), result);
  }

  @Test
  void nothingButTheExactFormIsInterpreted() {
    JsonObject run = new JsonObject().put("A", "a");
    JsonObject template = new JsonObject().put("text", "x ${A}").put("escaped", "$${A}").put("${A}", "key").put("braces", "${A")
        .put("spaced", "${ A }").put("digit", "${1A}").put("dash", "${A-B}").put("empty", "${}").put("twice", "${A}${A}");
    List<String> missing = new ArrayList<>();
    assertEquals(template, ParamTemplate.apply(template, run, missing));
    assertTrue(missing.isEmpty());
  }

  @Test
  void namesMayStartWithAnUnderscoreAndHoldDigits() {
    Object result = ParamTemplate.apply(new JsonArray().add("${_x9}"), new JsonObject().put("_x9", 1), new ArrayList<>());
    assertEquals(new JsonArray().add(1), result);
  }

  @Test
  void aMissingNameIsReportedOnceInOrderAndLeftNull() {
    JsonObject template = new JsonObject().put("a", "${B}").put("b", "${A}").put("c", "${B}").put("d", "${PRESENT}");
    List<String> missing = new ArrayList<>();
    JsonObject result = (JsonObject) ParamTemplate.apply(template, new JsonObject().put("PRESENT", 1), missing);
    assertEquals(List.of("B", "A"), missing);
    assertTrue(result.containsKey("a"));
    assertNull(result.getValue("a"));
    assertNull(result.getValue("c"));
    assertEquals(1, result.getValue("d"));
  }

  @Test
  void aNamePresentWithNullGivesNullAndIsNotMissing() {
    List<String> missing = new ArrayList<>();
    JsonObject result = (JsonObject) ParamTemplate.apply(new JsonObject().put("a", "${A}"), new JsonObject().putNull("A"), missing);
    assertTrue(result.containsKey("a"));
    assertNull(result.getValue("a"));
    assertTrue(missing.isEmpty());
  }

  @Test
  void theResultIsACopySharingNothingWithTheTemplateOrTheRunParams() {
    JsonObject inner = new JsonObject().put("k", "v");
    JsonObject template = new JsonObject().put("inner", inner).put("p", "${P}");
    JsonObject runValue = new JsonObject().put("x", 1);
    JsonObject result = (JsonObject) ParamTemplate.apply(template, new JsonObject().put("P", runValue), new ArrayList<>());
    assertNotSame(inner, result.getJsonObject("inner"));
    result.getJsonObject("inner").put("k", "changed");
    result.getJsonObject("p").put("x", 2);
    assertEquals("v", inner.getString("k"));
    assertEquals(1, runValue.getInteger("x"));
    assertEquals("${P}", template.getString("p"));
  }

  @Test
  void scalarsAndNullRunParamsAreFine() {
    assertEquals(3, ParamTemplate.apply(3, null, new ArrayList<>()));
    assertNull(ParamTemplate.apply(null, new JsonObject(), new ArrayList<>()));
    List<String> missing = new ArrayList<>();
    assertNull(ParamTemplate.apply("${A}", null, missing));
    assertEquals(List.of("A"), missing);
  }
}
