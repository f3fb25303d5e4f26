package io.taskq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The contract writes each representation out in full, without allOf, because client
 * generators lose the named types of allOf shapes (a generated Java client did not compile, a
 * TypeScript one did not type-check). These checks keep the copies from drifting apart.
 */
class ContractShapesTest {

  private static final Map<String, Object> SCHEMAS = schemas();

  @Test
  void aClaimedTaskIsATaskWithItsLeaseId() {
    assertExtends("Task", "ClaimedTask", List.of("lease_id"), List.of("lease_id"));
  }

  @Test
  void aNewApiKeyIsAnApiKeyWithAnOptionalSecret() {
    assertExtends("ApiKey", "NewApiKey", List.of("secret"), List.of());
  }

  @Test
  void noSchemaComposesWithAllOfOrLeavesItsPropertiesOpen() {
    for (Map.Entry<String, Object> entry : SCHEMAS.entrySet()) {
      Map<String, Object> schema = map(entry.getValue());
      assertFalse(schema.containsKey("allOf"), entry.getKey() + " uses allOf");
      assertFalse(schema.containsKey("unevaluatedProperties"), entry.getKey() + " uses unevaluatedProperties");
      if ("object".equals(schema.get("type")) && schema.containsKey("properties")) {
        assertEquals(false, schema.get("additionalProperties"), entry.getKey() + " must refuse unknown fields");
      }
    }
  }

  private static void assertExtends(String base, String extended, List<String> added, List<String> addedRequired) {
    Map<String, Object> a = map(SCHEMAS.get(base));
    Map<String, Object> b = map(SCHEMAS.get(extended));
    Map<String, Object> extra = new LinkedHashMap<>(map(b.get("properties")));
    added.forEach(name -> assertTrue(extra.containsKey(name), extended + " lacks " + name));
    added.forEach(extra::remove);
    assertEquals(map(a.get("properties")), extra, extended + " must have exactly the properties of " + base + " and " + added);
    List<Object> required = new ArrayList<>(list(a.get("required")));
    required.addAll(addedRequired);
    assertEquals(required, list(b.get("required")), extended + "'s required fields");
    assertEquals(false, b.get("additionalProperties"));
  }

  private static Map<String, Object> schemas() {
    try {
      Map<String, Object> document = new Yaml().load(Files.readString(Path.of("openapi/taskq.yaml")));
      return map(map(document.get("components")).get("schemas"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return (List<Object>) o;
  }
}
