package io.taskq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskq.support.Api;
import io.taskq.support.Poll;
import io.taskq.support.TestDatabase;
import io.taskq.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The shipped alert rules read only series an idle deployment publishes: none fires, or stays silent, by absence. */
class AlertRulesTest {

  private static final Path RULES = Path.of("src/deploy/taskq-alerts.yml");
  /** Series Prometheus makes itself when it scrapes, not taskq. */
  private static final Set<String> FROM_PROMETHEUS = Set.of("up");
  private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
      "group_left", "group_right", "bool", "offset");

  @Test
  void anIdleServerPublishesEveryMetricTheAlertRulesRead() throws Exception {
    Set<String> names = metricNames(expressions());
    assertTrue(names.containsAll(Set.of("taskq_leader", "taskq_oldest_claimable_task_age_seconds",
        "taskq_tasks_expired_total", "vertx_http_server_requests_total")), "the expressions were read: " + names);

    try (TestServer s = TestServer.startOn(TestDatabase.fresh("idle_alerts"), c -> c)) {
      Api api = new Api(s.vertx(), s.port(), TestServer.ADMIN_KEY);
      api.post("/projects", new JsonObject().put("name", "idle")).expect(201);
      api.post("/task-types", new JsonObject().put("name", "idle.type").put("version", 1)
          .put("param_schema", new JsonObject().put("type", "object"))).expect(201);
      // No task is ever created: the leader's next gauge refresh must still publish every series.
      Api anonymous = new Api(s.vertx(), s.port(), null);
      Set<String> missing = Poll.until(() -> missing(names, anonymous.get("/metrics").expect(200).body().toString()),
          Set::isEmpty, Duration.ofSeconds(20));
      assertEquals(Set.of(), missing);
    }
  }

  @Test
  void theNoLeaderRuleReadsTheLeaderGauge() throws Exception {
    String noLeader = expressions().get("TaskqNoLeader");
    assertTrue(metricNames(Map.of("TaskqNoLeader", noLeader)).contains("taskq_leader"), noLeader);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> expressions() throws Exception {
    Map<String, String> byAlert = new java.util.LinkedHashMap<>();
    try (Reader reader = Files.newBufferedReader(RULES)) {
      Map<String, Object> document = new Yaml().load(reader);
      for (Map<String, Object> group : (List<Map<String, Object>>) document.get("groups")) {
        for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
          byAlert.put((String) rule.get("alert"), (String) rule.get("expr"));
        }
      }
    }
    return byAlert;
  }

  /** Metric names of PromQL expressions: identifiers left once strings, label matchers, groupings and ranges are gone, functions aside. */
  private static Set<String> metricNames(Map<String, String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expr : expressions.values()) {
      String bare = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
          .replaceAll("\\{[^}]*}", " ")
          .replaceAll("\\[[^]]*]", " ")
          .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
      Matcher identifier = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][\\w:]*)(\\s*\\()?").matcher(bare);
      while (identifier.find()) {
        String name = identifier.group(1);
        if (identifier.group(2) == null && !PROMQL_WORDS.contains(name) && !FROM_PROMETHEUS.contains(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  private static Set<String> missing(Set<String> names, String exposition) {
    Set<String> missing = new TreeSet<>(names);
    exposition.lines().filter(line -> !line.startsWith("#"))
        .map(line -> line.split("[{ ]", 2)[0]).forEach(missing::remove);
    return missing;
  }
}
