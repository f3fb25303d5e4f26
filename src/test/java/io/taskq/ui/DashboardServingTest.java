package io.taskq.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.ServerTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How taskq serves the dashboard's files (no browser: plain HTTP). */
class DashboardServingTest extends ServerTest {

  private WebClient http;

  @BeforeAll
  void client() {
    http = WebClient.create(server.vertx(), new WebClientOptions().setDefaultHost("localhost").setDefaultPort(server.port())
        .setFollowRedirects(false));
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path) {
    return http.request(method, path).send().await();
  }

  @Test
  void theRootRedirectsToTheDashboard() {
    for (String path : List.of("/", "/ui")) {
      HttpResponse<Buffer> r = send(HttpMethod.GET, path);
      assertEquals(302, r.statusCode(), path);
      assertEquals("/ui/", r.getHeader("Location"), path);
    }
  }

  @Test
  void theDashboardIsServedWithoutAKeyUnderAStrictPolicy() {
    HttpResponse<Buffer> r = send(HttpMethod.GET, "/ui/");
    assertEquals(200, r.statusCode());
    assertEquals("text/html;charset=UTF-8", r.getHeader("Content-Type").replace(" ", ""));
    assertTrue(r.bodyAsString().contains("<script type=\"module\" src=\"js/app.js\"></script>"));
    assertEquals("default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        r.getHeader("Content-Security-Policy"));
    assertEquals("nosniff", r.getHeader("X-Content-Type-Options"));
    assertEquals("no-cache", r.getHeader("Cache-Control"));
    assertEquals("DENY", r.getHeader("X-Frame-Options"));
    assertEquals("no-referrer", r.getHeader("Referrer-Policy"));
    assertTrue(r.getHeader("Last-Modified") != null, "revalidated with Last-Modified");
  }

  @Test
  void eachFileHasItsContentType() {
    for (String script : List.of("/ui/js/app.js", "/ui/js/views/runs.js", "/ui/vendor/uplot/uPlot.esm.js", "/ui/vendor/dagre/dagre.min.js")) {
      // Module scripts are refused unless served as JavaScript (and nosniff holds the browser to it).
      assertEquals("text/javascript;charset=UTF-8", send(HttpMethod.GET, script).getHeader("Content-Type"), script);
    }
    assertTrue(send(HttpMethod.GET, "/ui/app.css").getHeader("Content-Type").startsWith("text/css"));
    assertTrue(send(HttpMethod.GET, "/ui/vendor/uplot/uPlot.min.css").getHeader("Content-Type").startsWith("text/css"));
  }

  @Test
  void anUnchangedFileIsAnsweredNotModified() {
    HttpResponse<Buffer> first = send(HttpMethod.GET, "/ui/js/app.js");
    HttpResponse<Buffer> again = http.get("/ui/js/app.js").putHeader("If-Modified-Since", first.getHeader("Last-Modified")).send().await();
    assertEquals(304, again.statusCode());
  }

  @Test
  void aMissingFileIsNotFoundNotUnauthorized() {
    HttpResponse<Buffer> r = send(HttpMethod.GET, "/ui/no-such-file.js");
    assertEquals(404, r.statusCode());
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    // A path that climbs out of ui/ is no dashboard path once normalised: the API's rules apply (no key: 401).
    HttpResponse<Buffer> climbing = send(HttpMethod.GET, "/ui/js/%2e%2e/%2e%2e/openapi/taskq.yaml");
    assertEquals(401, climbing.statusCode());
  }

  @Test
  void onlyGetAndHeadAreAnswered() {
    HttpResponse<Buffer> post = http.post("/ui/").sendJsonObject(new JsonObject()).await();
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.getHeader("Allow"));
    HttpResponse<Buffer> head = send(HttpMethod.HEAD, "/ui/");
    assertEquals(200, head.statusCode());
    assertEquals(0, head.body() == null ? 0 : head.body().length());
    assertEquals(405, http.delete("/").send().await().statusCode());
  }

  /**
   * Nothing the dashboard loads comes from elsewhere: no URL in its own files (the SVG namespace is
   * a name, not a fetch), and none the libraries would fetch.
   */
  @Test
  void noFileNamesAnotherOrigin() throws IOException, URISyntaxException {
    Path root = Path.of(getClass().getResource("/ui/index.html").toURI()).getParent();
    Pattern url = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}[^\\s\"'`)]*");
    Pattern fetching = Pattern.compile("(?i)(src|href|action)\\s*=\\s*[\"']?(https?:)?//|url\\(\\s*[\"']?(https?:)?//|"
        + "import[^;]*[\"'](https?:)?//|fetch\\(\\s*[\"'](https?:)?//");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(html|js|css)$")).toList();
    }
    assertTrue(files.size() >= 10, "found " + files);
    for (Path file : files) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Matcher fetch = fetching.matcher(text);
      assertFalse(fetch.find(), () -> file + " loads from another origin: " + fetch.group());
      if (!file.toString().contains("/vendor/")) {
        Matcher m = url.matcher(text.replace("http://www.w3.org/2000/svg", ""));
        assertFalse(m.find(), () -> file + " names a URL: " + m.group());
      }
    }
  }

  @Test
  void aKeyLearnsItsOwnPermissionsAndProject() {
    long project = newProject();
    String key = newKey(project, "tasks:read");
    JsonObject self = admin.withKey(key).get("/api-key").expect(200).json();
    assertEquals(project, self.getLong("project_id"));
    assertEquals(List.of("tasks:read"), self.getJsonArray("permissions").getList());
    assertNull(self.getString("secret"));
    JsonObject adminSelf = admin.get("/api-key").expect(200).json();
    assertNull(adminSelf.getValue("project_id"));
    assertEquals(List.of("admin"), adminSelf.getJsonArray("permissions").getList());
    anonymous().get("/api-key").problem(401);
  }
}
