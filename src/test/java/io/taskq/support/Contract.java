package io.taskq.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI document in openapi/, loaded once per test JVM, against which every response a
 * test receives is validated. vertx-openapi 5.0 refuses the media type application/problem+json,
 * so it is read as application/json here; the server's real content type is checked separately.
 */
public final class Contract {

  private static Contract instance;

  private final OpenAPIContract contract;
  private final ResponseValidator validator;
  private final List<Route> routes = new ArrayList<>();
  private final Set<String> exercised = ConcurrentHashMap.newKeySet();

  private record Route(Pattern path, HttpMethod method, Operation operation) {
  }

  private Contract(Vertx vertx) throws Exception {
    String yaml = Files.readString(Path.of("openapi/taskq.yaml")).replace("application/problem+json", "application/json");
    Map<String, Object> raw = new Yaml().load(yaml);
    // vertx-openapi 5.0 rejects a path segment such as "{taskId}:complete" (a template must fill
    // its segment): load "{taskId}/:complete" instead and map it back when matching requests.
    @SuppressWarnings("unchecked")
    Map<String, Object> paths = (Map<String, Object>) raw.get("paths");
    Map<String, Object> loadable = new LinkedHashMap<>();
    paths.forEach((path, item) -> loadable.put(path.replaceAll("}:(?=[^/]*$)", "}/:"), item));
    raw.put("paths", loadable);
    JsonObject json = new JsonObject(raw);
    contract = OpenAPIContract.from(vertx, json).await();
    validator = ResponseValidator.create(vertx, contract);
    for (Operation op : contract.operations()) {
      String regex = Pattern.quote(op.getOpenAPIPath().replace("}/:", "}:")).replaceAll("\\{[^}]+}", "\\\\E[^/:]+\\\\Q");
      routes.add(new Route(Pattern.compile(regex), op.getHttpMethod(), op));
    }
  }

  public static synchronized Contract get() {
    if (instance == null) {
      try {
        instance = new Contract(Vertx.vertx());
      } catch (Exception e) {
        throw new IllegalStateException("openapi/taskq.yaml does not load", e);
      }
    }
    return instance;
  }

  public OpenAPIContract openApi() {
    return contract;
  }

  public Set<String> exercised() {
    return exercised;
  }

  /** The operation a request addresses, or null when the contract has none. */
  public Operation operation(HttpMethod method, String path) {
    String bare = path.split("\\?", 2)[0];
    for (Route route : routes) {
      if (route.method().equals(method) && route.path().matcher(bare).matches()) {
        return route.operation();
      }
    }
    return null;
  }

  /** Fails with AssertionError when the response is not what the contract says this operation answers. */
  public Future<Void> check(HttpMethod method, String path, int status, Map<String, String> headers, Buffer body, String contentType) {
    Operation op = operation(method, path);
    if (op == null) {
      if ((status == 404 || status == 405) && "application/problem+json".equals(bare(contentType))) {
        return Future.succeededFuture(); // no such route: the router's own problem answer
      }
      return Future.failedFuture(new AssertionError(method + " " + path + " answered " + status
          + " but the contract has no such operation"));
    }
    exercised.add(op.getOperationId());
    String type = bare(contentType);
    if ("application/problem+json".equals(type)) {
      type = "application/json";
    }
    ValidatableResponse response = body == null || body.length() == 0
        ? ValidatableResponse.create(status, headers)
        : ValidatableResponse.create(status, headers, body, type);
    return validator.validate(response, op.getOperationId()).<Void>mapEmpty().recover(e -> {
      String what = e instanceof SchemaValidationException s
          ? "a body the contract rejects: " + e.getMessage() + " " + s.getOutputUnit().getErrors()
          : "(" + contentType + ") which the contract does not allow: " + e.getMessage();
      return Future.failedFuture(new AssertionError(op.getOperationId() + " answered " + status + " with " + what
          + "\nbody: " + body, e));
    });
  }

  private static String bare(String contentType) {
    return contentType == null ? null : contentType.split(";", 2)[0].trim();
  }
}
