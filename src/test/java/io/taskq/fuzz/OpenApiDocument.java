package io.taskq.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The operations of openapi/taskq.yaml as plain data: path, method, parameters, request body
 * schema. Read with snakeyaml (not vertx-openapi) so that nothing the document says is lost or
 * rejected on the way; local {@code $ref}s are followed on demand.
 */
final class OpenApiDocument {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  /** A parameter in the path or the query, with its (unresolved) schema. */
  record Parameter(String name, String in, boolean required, Map<String, Object> schema) {
  }

  /** One operation: everything the fuzz needs to address it and to build its inputs. */
  record Operation(String id, String method, String path, List<Parameter> pathParameters, List<Parameter> queryParameters,
      Map<String, Object> bodySchema, boolean bodyRequired, boolean authenticated, boolean invalidItemsAnsweredAlone) {

    boolean hasBody() {
      return bodySchema != null;
    }
  }

  private final Map<String, Object> root;
  private final List<Operation> operations = new ArrayList<>();
  private final Map<String, Set<String>> methodsByPath = new LinkedHashMap<>();

  private OpenApiDocument(Map<String, Object> root) {
    this.root = root;
    boolean securedByDefault = !list(root.get("security")).isEmpty();
    map(root.get("paths")).forEach((path, rawItem) -> {
      Map<String, Object> item = resolve(map(rawItem));
      List<Object> shared = list(item.get("parameters"));
      Set<String> methods = new java.util.TreeSet<>();
      item.forEach((key, rawOperation) -> {
        if (!METHODS.contains(key)) {
          return;
        }
        methods.add(key.toUpperCase());
        Map<String, Object> operation = map(rawOperation);
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        for (Object p : shared) {
          Parameter parameter = parameter(p);
          parameters.put(parameter.in() + ":" + parameter.name(), parameter);
        }
        for (Object p : list(operation.get("parameters"))) {
          Parameter parameter = parameter(p);
          parameters.put(parameter.in() + ":" + parameter.name(), parameter);
        }
        List<Parameter> inPath = parameters.values().stream().filter(p -> p.in().equals("path")).toList();
        List<Parameter> inQuery = parameters.values().stream().filter(p -> p.in().equals("query")).toList();
        Map<String, Object> bodySchema = null;
        boolean bodyRequired = false;
        if (operation.get("requestBody") != null) {
          Map<String, Object> body = resolve(map(operation.get("requestBody")));
          bodyRequired = Boolean.TRUE.equals(body.get("required"));
          Map<String, Object> content = map(body.get("content"));
          Object json = content.get("application/json");
          if (json == null && !content.isEmpty()) {
            json = content.values().iterator().next();
          }
          bodySchema = map(map(json).get("schema"));
          if (bodySchema.isEmpty()) {
            bodySchema = Map.of();
          }
        }
        Object security = operation.containsKey("security") ? operation.get("security") : null;
        boolean authenticated = security == null ? securedByDefault : !list(security).isEmpty();
        String id = (String) operation.getOrDefault("operationId", key.toUpperCase() + " " + path);
        boolean alone = false;
        for (Map.Entry<String, Object> response : map(operation.get("responses")).entrySet()) {
          if (response.getKey().startsWith("2")) {
            alone |= outcomeInvalid(resolve(map(response.getValue())), 0);
          }
        }
        operations.add(new Operation(id, key.toUpperCase(), path, inPath, inQuery, bodySchema, bodyRequired, authenticated, alone));
      });
      methodsByPath.put(path, methods);
    });
  }

  /**
   * Whether a response names an item {@code outcome} of {@code invalid}: then the operation
   * answers a faulty item in its own slot, and the other items go on.
   */
  private boolean outcomeInvalid(Object node, int depth) {
    if (depth > 40) {
      return false;
    }
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> resolved = resolve(map(m));
      Object outcome = map(resolved.get("properties")).get("outcome");
      if (outcome != null && list(resolve(map(outcome)).get("enum")).contains("invalid")) {
        return true;
      }
      for (Object value : resolved.values()) {
        if (outcomeInvalid(value, depth + 1)) {
          return true;
        }
      }
    } else if (node instanceof List<?> l) {
      for (Object value : l) {
        if (outcomeInvalid(value, depth + 1)) {
          return true;
        }
      }
    }
    return false;
  }

  static OpenApiDocument load(Path file) {
    try {
      LoaderOptions options = new LoaderOptions();
      options.setCodePointLimit(64 * 1024 * 1024);
      Map<String, Object> root = new Yaml(options).load(Files.readString(file));
      return new OpenApiDocument(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  List<Operation> operations() {
    return operations;
  }

  /** The methods the document names for this path template. */
  Set<String> methods(String path) {
    return methodsByPath.getOrDefault(path, Set.of());
  }

  /** Follows {@code $ref} chains (local ones, {@code #/...}) to the object they name. */
  Map<String, Object> resolve(Map<String, Object> node) {
    Map<String, Object> current = node;
    for (int hops = 0; current != null && current.get("$ref") instanceof String ref; hops++) {
      if (hops > 64) {
        throw new IllegalStateException("$ref cycle at " + ref);
      }
      Map<String, Object> target = pointer(ref);
      if (current.size() > 1) {
        // OpenAPI 3.1 lets siblings stand beside $ref: they apply together with the target.
        Map<String, Object> merged = new LinkedHashMap<>(current);
        merged.remove("$ref");
        Map<String, Object> withTarget = new LinkedHashMap<>();
        withTarget.put("allOf", List.of(target));
        withTarget.putAll(merged);
        return withTarget;
      }
      current = target;
    }
    return current;
  }

  private Map<String, Object> pointer(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalStateException("only local $refs are supported: " + ref);
    }
    Object node = root;
    for (String token : ref.substring(2).split("/")) {
      String key = token.replace("~1", "/").replace("~0", "~");
      node = map(node).get(key);
      if (node == null) {
        throw new IllegalStateException("$ref to nothing: " + ref);
      }
    }
    return map(node);
  }

  private Parameter parameter(Object raw) {
    Map<String, Object> p = resolve(map(raw));
    return new Parameter((String) p.get("name"), (String) p.get("in"), Boolean.TRUE.equals(p.get("required")),
        map(p.getOrDefault("schema", Map.of())));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : List.of();
  }
}
