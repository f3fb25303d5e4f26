package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The paths of the contract, matched segment by segment in place. */
class AllowedMethodsTest {

  private static AllowedMethods allowed;

  @BeforeAll
  static void load() throws Exception {
    allowed = AllowedMethods.fromContract(Buffer.buffer(Files.readAllBytes(Path.of("openapi/taskq.yaml"))));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/projects | GET, HEAD, POST",
      "/projects/7 | GET, HEAD",
      "/projects/7/tasks:claim | POST",
      "/projects/7/tasks/12:cancel | POST",
      "/projects/7/tasks/12 | GET, PATCH, HEAD",
      "/projects/7/tasks/12/logs | GET, HEAD",
      "/health/live | GET, HEAD"})
  void documentedPathsAnswerTheirMethods(String path, String allow) {
    String answered = allowed.allow(path);
    assertEquals(Set.of(allow.split(", ")), Set.of(answered.split(", ")), path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "projects", "/", "/projects/", "/projects//tasks", "/projects/7/", "/projects/:cancel",
      "/projects/7:x/tasks", "/projects/7/tasks/12:nope", "/projects/7/tasks/12/logs/x", "/health/liv", "/health/live2"})
  void undocumentedPathsMatchNothing(String path) {
    assertNull(allowed.allow(path), path);
  }

  @Test
  void aParameterStopsAtAColonSoAnActionPathIsNotAPlainOne() {
    assertEquals("POST", allowed.allow("/projects/7/tasks/12:retry"));
    assertTrue(allowed.refuses(HttpMethod.GET, "/projects/7/tasks/12:retry"));
    assertFalse(allowed.refuses(HttpMethod.GET, "/projects/7/tasks/12"));
  }
}
