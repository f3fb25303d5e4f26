package io.taskq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.ServerTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskMetadataTest extends ServerTest {

  private static final JsonObject INFRA = new JsonObject().put("team", "infra")
      .put("owner", new JsonObject().put("name", "ada").put("level", 3))
      .put("tags", new JsonArray().add("db").add("urgent"));

  private static String tasks(long project) {
    return "/projects/" + project + "/tasks";
  }

  private List<Long> idsMatching(long project, String metadataFilter) {
    return idsMatching(project, metadataFilter, "");
  }

  private List<Long> idsMatching(long project, String metadataFilter, String moreQuery) {
    JsonArray items = admin.get(tasks(project) + "?metadata=" + URLEncoder.encode(metadataFilter, StandardCharsets.UTF_8) + moreQuery)
        .expect(200).items();
    List<Long> ids = new ArrayList<>();
    items.forEach(t -> ids.add(((JsonObject) t).getLong("id")));
    return ids;
  }

  /** A metadata object whose compact UTF-8 JSON is exactly {@code bytes} long. */
  private static JsonObject metadataOfSize(int bytes) {
    JsonObject m = new JsonObject().put("k", "");
    int overhead = m.encode().length();
    return new JsonObject().put("k", "x".repeat(bytes - overhead));
  }

  @Test
  void metadataComesBackFromCreateGetListAndClaim() {
    long project = newProject();
    String type = newType();
    JsonObject created = createTask(project, new JsonObject().put("type", type).put("metadata", INFRA));
    assertEquals(INFRA, created.getJsonObject("metadata"));
    long id = created.getLong("id");
    assertEquals(INFRA, admin.get(tasks(project) + "/" + id).expect(200).json().getJsonObject("metadata"));
    assertEquals(INFRA, admin.get(tasks(project)).expect(200).items().getJsonObject(0).getJsonObject("metadata"));
    assertEquals(INFRA, claim(project, "w", 1).getJsonObject(0).getJsonObject("metadata"));
  }

  @Test
  void aTaskWithoutMetadataOrWithAnEmptyOneShowsAnEmptyObject() {
    long project = newProject();
    String type = newType();
    assertEquals(new JsonObject(), createTask(project, type).getJsonObject("metadata"));
    assertEquals(new JsonObject(), createTask(project, new JsonObject().put("type", type).put("metadata", new JsonObject()))
        .getJsonObject("metadata"));
    assertEquals(new JsonObject(), createTask(project, new JsonObject().put("type", type).putNull("metadata"))
        .getJsonObject("metadata"));
    // none of them is in the metadata index: an empty object is stored as none
    assertEquals(0L, sql("SELECT count(*) FROM tasks WHERE project_id = $1 AND metadata IS NOT NULL", project)
        .iterator().next().getLong(0));
  }

  @Test
  void bulkItemsAndGraphItemsCarryTheirOwnMetadata() {
    long project = newProject();
    String type = newType();
    JsonArray items = new JsonArray()
        .add(new JsonObject().put("type", type).put("external_id", "a").put("metadata", new JsonObject().put("i", 0)))
        .add(new JsonObject().put("type", type).put("external_id", "b"))
        .add(new JsonObject().put("type", type).put("external_id", "c").put("metadata", new JsonObject().put("i", 2))
            .put("depends_on", new JsonArray().add(new JsonObject().put("ref", "a"))));
    JsonArray created = admin.post(tasks(project) + ":bulk", new JsonObject().put("tasks", items)).expect(201).json()
        .getJsonArray("created");
    assertEquals(new JsonObject().put("i", 0), created.getJsonObject(0).getJsonObject("metadata"));
    assertEquals(new JsonObject(), created.getJsonObject(1).getJsonObject("metadata"));
    assertEquals("blocked", created.getJsonObject(2).getString("status"));
    assertEquals(new JsonObject().put("i", 2), created.getJsonObject(2).getJsonObject("metadata"));
    // plain bulk (no links) too
    JsonArray plain = admin.post(tasks(project) + ":bulk", new JsonObject().put("tasks", new JsonArray()
        .add(new JsonObject().put("type", type).put("metadata", INFRA)))).expect(201).json().getJsonArray("created");
    assertEquals(INFRA, plain.getJsonObject(0).getJsonObject("metadata"));
  }

  @Test
  void aRepeatedExternalIdAnswersTheStoredMetadataUnchanged() {
    long project = newProject();
    String type = newType();
    createTask(project, new JsonObject().put("type", type).put("external_id", "once").put("metadata", INFRA));
    JsonObject again = admin.post(tasks(project), new JsonObject().put("type", type).put("external_id", "once")
        .put("metadata", new JsonObject().put("team", "other"))).expect(200).json();
    assertEquals(INFRA, again.getJsonObject("metadata"));
    JsonObject skipped = admin.post(tasks(project) + ":bulk", new JsonObject().put("tasks", new JsonArray()
        .add(new JsonObject().put("type", type).put("external_id", "once").put("metadata", new JsonObject().put("x", 1)))))
        .expect(201).json().getJsonArray("skipped").getJsonObject(0);
    assertEquals(INFRA, skipped.getJsonObject("task").getJsonObject("metadata"));
  }

  @Test
  void metadataOfExactly64KiBIsTakenAndOneByteMoreIs422() {
    long project = newProject();
    String type = newType();
    JsonObject largest = metadataOfSize(65_536);
    assertEquals(65_536, largest.toBuffer().length());
    assertEquals(largest, createTask(project, new JsonObject().put("type", type).put("metadata", largest)).getJsonObject("metadata"));

    JsonObject problem = admin.post(tasks(project), new JsonObject().put("type", type).put("metadata", metadataOfSize(65_537)))
        .problem(422);
    assertEquals("/metadata", problem.getJsonArray("errors").getJsonObject(0).getString("pointer"));

    // multi-byte characters count as their UTF-8 bytes: 21,846 three-byte characters are 65,538 bytes
    JsonObject wide = new JsonObject().put("k", "\u20ac".repeat(21_846));
    admin.post(tasks(project), new JsonObject().put("type", type).put("metadata", wide)).problem(422);

    JsonObject bulk = admin.post(tasks(project) + ":bulk", new JsonObject().put("tasks", new JsonArray()
        .add(new JsonObject().put("type", type)).add(new JsonObject().put("type", type).put("metadata", metadataOfSize(65_537)))))
        .problem(422);
    JsonObject error = bulk.getJsonArray("errors").getJsonObject(0);
    assertEquals(1, error.getInteger("index"));
    assertEquals("/tasks/1/metadata", error.getString("pointer"));
  }

  @Test
  void metadataThatIsNotAnObjectIs422() {
    long project = newProject();
    String type = newType();
    for (Object bad : List.of(new JsonArray().add(1), "infra", 7, true)) {
      JsonObject problem = admin.post(tasks(project), new JsonObject().put("type", type).put("metadata", bad)).problem(422);
      assertEquals("/metadata", problem.getJsonArray("errors").getJsonObject(0).getString("pointer"), bad.toString());
    }
    assertTrue(admin.get(tasks(project)).expect(200).items().isEmpty());
  }

  @Test
  void theListingFiltersByContainment() {
    long project = newProject();
    String type = newType();
    long infra = createTask(project, new JsonObject().put("type", type).put("metadata", INFRA)).getLong("id");
    long web = createTask(project, new JsonObject().put("type", type).put("metadata", new JsonObject().put("team", "web")
        .put("tags", new JsonArray().add("urgent")))).getLong("id");
    long none = createTask(project, type).getLong("id");
    long otherProject = createTask(newProject(), new JsonObject().put("type", type).put("metadata", INFRA)).getLong("id");

    assertEquals(List.of(infra), idsMatching(project, "{\"team\":\"infra\"}"));
    assertEquals(List.of(infra), idsMatching(project, "{\"owner\":{\"name\":\"ada\"}}"));
    assertEquals(List.of(infra, web), idsMatching(project, "{\"tags\":[\"urgent\"]}"));
    assertEquals(List.of(infra), idsMatching(project, "{\"tags\":[\"urgent\",\"db\"]}"));
    assertEquals(List.of(), idsMatching(project, "{\"team\":\"nobody\"}"));
    assertEquals(List.of(), idsMatching(project, "{\"owner\":{\"level\":4}}"));
    assertEquals(List.of(infra, web, none), idsMatching(project, "{}"));
    assertTrue(!idsMatching(project, "{\"team\":\"infra\"}").contains(otherProject));
    // combined with another filter, and paged
    assertEquals(List.of(web), idsMatching(project, "{\"tags\":[\"urgent\"]}", "&after=" + infra));
    assertEquals(List.of(infra), idsMatching(project, "{\"tags\":[\"urgent\"]}", "&limit=1"));
    assertEquals(List.of(), idsMatching(project, "{\"team\":\"infra\"}", "&status=claimed"));
  }

  @Test
  void aContainmentFilterThatIsNotAJsonObjectIs400() {
    long project = newProject();
    for (String bad : List.of("{team", "[\"infra\"]", "\"infra\"", "{\"a\":1,\"a\":2}", "{\"a\":\"\\u0000\"}")) {
      JsonObject problem = admin.get(tasks(project) + "?metadata=" + URLEncoder.encode(bad, StandardCharsets.UTF_8)).problem(400);
      assertTrue(problem.getString("detail").contains("metadata"), problem.encode());
    }
  }
}
