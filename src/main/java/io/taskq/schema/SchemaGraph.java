package io.taskq.schema;

import io.taskq.error.JsonPointers;
import io.taskq.error.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subschemas of a param schema and how the validator moves between them, worked out
 * without the validator: which subschemas apply to the same value (in place: {@code $ref},
 * {@code allOf}, {@code not}, ...) and which to a value nested in it ({@code properties},
 * {@code items}, ...). References must stay inside the schema: the validator resolves them
 * against the schema alone, so anything else fails on every create, and a remote reference
 * must never even look like something taskq would fetch.
 *
 * <p>The keyword lists are a superset of what the validator evaluates in any draft (it applies
 * {@code dependencies} and {@code $dynamicRef} whatever {@code $schema} says), so no path the
 * validator can take is missing from the graph.
 */
final class SchemaGraph {

  /** A way from one subschema to another, and the keyword (a pointer in the schema) it goes through. */
  record Edge(Node target, String via) {
  }

  /** A subschema at {@code pointer} (JSON Pointer inside the schema, "" for the root). */
  static final class Node {
    final String pointer;
    final Object schema;
    final List<Edge> inPlace = new ArrayList<>();
    final List<Edge> nested = new ArrayList<>();

    Node(String pointer, Object schema) {
      this.pointer = pointer;
      this.schema = schema;
    }

    JsonObject object() {
      return schema instanceof JsonObject o ? o : null;
    }
  }

  private static final Set<String> IN_PLACE_ONE = Set.of("not", "if", "then", "else");
  private static final Set<String> IN_PLACE_LIST = Set.of("allOf", "anyOf", "oneOf");
  private static final Set<String> IN_PLACE_MAP = Set.of("dependentSchemas", "dependencies");
  private static final Set<String> NESTED_ONE = Set.of("additionalProperties", "unevaluatedProperties", "propertyNames",
      "additionalItems", "contains", "unevaluatedItems");
  private static final Set<String> NESTED_LIST = Set.of("prefixItems");
  private static final Set<String> NESTED_MAP = Set.of("properties", "patternProperties");
  private static final Set<String> DEFINITIONS = Set.of("$defs", "definitions");

  private final JsonObject document;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, Node> anchors = new LinkedHashMap<>();
  private final Map<String, List<Node>> dynamicAnchors = new LinkedHashMap<>();
  private final List<Node> recursiveAnchors = new ArrayList<>();
  private final List<FieldError> faults = new ArrayList<>();
  private final String errorPointer;
  private final Node root;

  private SchemaGraph(JsonObject document, String errorPointer) {
    this.document = document;
    this.errorPointer = errorPointer;
    this.root = new Node("", document);
  }

  /** The graph of {@code schema}; faults are reported under {@code errorPointer} (the schema's place in the request). */
  static SchemaGraph of(JsonObject schema, String errorPointer) {
    SchemaGraph graph = new SchemaGraph(schema, errorPointer);
    graph.collect();
    graph.link();
    return graph;
  }

  Node root() {
    return root;
  }

  List<FieldError> faults() {
    return faults;
  }

  /** Every subschema found, root first. */
  java.util.Collection<Node> nodes() {
    return nodes.values();
  }

  /** Every subschema reachable by keyword from the root, including definitions, which references may target. */
  private void collect() {
    nodes.put("", root);
    Deque<Node> walk = new ArrayDeque<>();
    walk.push(root);
    collectFrom(walk);
  }

  private void add(String pointer, Object value, Deque<Node> pending) {
    if ((value instanceof JsonObject || value instanceof Boolean) && !nodes.containsKey(pointer)) {
      Node node = new Node(pointer, value);
      nodes.put(pointer, node);
      pending.push(node);
    }
  }

  private void noteIdentifiers(Node node, JsonObject schema) {
    // The validator takes "$id", and "id" whatever the draft, as a new base URI for what is
    // below it: fragment references there would then point outside the schema.
    for (String id : List.of("$id", "id")) {
      if (!node.pointer.isEmpty() && schema.getValue(id) instanceof String) {
        fault(node.pointer + "/" + id, id + " is only allowed at the top of param_schema");
      }
    }
    if (schema.getValue("$anchor") instanceof String name && anchors.putIfAbsent(name, node) != null) {
      fault(node.pointer + "/$anchor", "the anchor " + name + " is defined more than once");
    }
    if (schema.getValue("$dynamicAnchor") instanceof String name) {
      dynamicAnchors.computeIfAbsent(name, k -> new ArrayList<>()).add(node);
    }
    if (Boolean.TRUE.equals(schema.getValue("$recursiveAnchor"))) {
      recursiveAnchors.add(node);
    }
  }

  /** Adds the edges; references may add nodes (a target outside the keyword tree), so iterate over a snapshot until none are new. */
  private void link() {
    Deque<Node> pending = new ArrayDeque<>(nodes.values());
    while (!pending.isEmpty()) {
      Node node = pending.pop();
      JsonObject schema = node.object();
      if (schema == null) {
        continue;
      }
      for (String keyword : schema.fieldNames()) {
        Object value = schema.getValue(keyword);
        String at = node.pointer + "/" + JsonPointers.escape(keyword);
        switch (keyword) {
          case "$ref" -> reference(node, at, value, pending);
          case "$dynamicRef" -> dynamicReference(node, at, value);
          case "$recursiveRef" -> recursiveReference(node, at, value);
          default -> {
            if (IN_PLACE_ONE.contains(keyword)) {
              edge(node.inPlace, at, at);
            } else if (NESTED_ONE.contains(keyword)) {
              edge(node.nested, at, at);
            } else if (keyword.equals("items")) {
              if (value instanceof JsonArray list) {
                eachIndex(node.nested, at, list);
              } else {
                edge(node.nested, at, at);
              }
            } else if (IN_PLACE_LIST.contains(keyword) && value instanceof JsonArray list) {
              eachIndex(node.inPlace, at, list);
            } else if (NESTED_LIST.contains(keyword) && value instanceof JsonArray list) {
              eachIndex(node.nested, at, list);
            } else if (IN_PLACE_MAP.contains(keyword) && value instanceof JsonObject map) {
              eachName(node.inPlace, at, map);
            } else if (NESTED_MAP.contains(keyword) && value instanceof JsonObject map) {
              eachName(node.nested, at, map);
            }
          }
        }
      }
    }
  }

  private void eachIndex(List<Edge> edges, String at, JsonArray list) {
    for (int i = 0; i < list.size(); i++) {
      edge(edges, at + "/" + i, at + "/" + i);
    }
  }

  private void eachName(List<Edge> edges, String at, JsonObject map) {
    for (String name : map.fieldNames()) {
      edge(edges, at + "/" + JsonPointers.escape(name), at + "/" + JsonPointers.escape(name));
    }
  }

  private void edge(List<Edge> edges, String targetPointer, String via) {
    Node target = nodes.get(targetPointer);
    if (target != null) {
      edges.add(new Edge(target, via));
    }
  }

  private void reference(Node node, String at, Object value, Deque<Node> pending) {
    if (!(value instanceof String ref)) {
      fault(at, "must be a string");
      return;
    }
    if (!ref.startsWith("#")) {
      fault(at, "must refer to a part of param_schema itself (a reference starting with #); remote, file and other URI"
          + " references are not allowed");
      return;
    }
    Node target = resolve(ref.substring(1), pending);
    if (target == null) {
      fault(at, "refers to " + ref + ", which is not a schema inside param_schema");
    } else {
      node.inPlace.add(new Edge(target, at));
    }
  }

  /** The validator follows a $dynamicRef only to a $dynamicAnchor of the same name met on the way. */
  private void dynamicReference(Node node, String at, Object value) {
    List<Node> targets = value instanceof String ref && ref.startsWith("#") ? dynamicAnchors.get(ref.substring(1)) : null;
    if (targets == null) {
      fault(at, "must be # followed by the name of a $dynamicAnchor inside param_schema");
      return;
    }
    for (Node target : targets) {
      node.inPlace.add(new Edge(target, at));
    }
  }

  /** The validator follows $recursiveRef "#" to the outermost $recursiveAnchor on the way, or else the root. */
  private void recursiveReference(Node node, String at, Object value) {
    if (!"#".equals(value)) {
      fault(at, "must be #");
      return;
    }
    node.inPlace.add(new Edge(root, at));
    for (Node target : recursiveAnchors) {
      if (target != root) {
        node.inPlace.add(new Edge(target, at));
      }
    }
  }

  /** The subschema a fragment names: an anchor, or a JSON Pointer (percent-encoded, as URI fragments are). */
  private Node resolve(String fragment, Deque<Node> pending) {
    String decoded;
    try {
      decoded = URLDecoder.decode(fragment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!decoded.isEmpty() && !decoded.startsWith("/")) {
      if (anchors.containsKey(decoded)) {
        return anchors.get(decoded);
      }
      List<Node> dynamic = dynamicAnchors.get(decoded);
      return dynamic == null || dynamic.size() != 1 ? null : dynamic.get(0);
    }
    Object current = document;
    StringBuilder pointer = new StringBuilder();
    for (String token : decoded.isEmpty() ? new String[0] : decoded.substring(1).split("/", -1)) {
      String name = JsonPointers.unescape(token);
      if (current instanceof JsonObject object && object.containsKey(name)) {
        current = object.getValue(name);
      } else if (current instanceof JsonArray array && token.matches("0|[1-9][0-9]{0,8}") && Integer.parseInt(token) < array.size()) {
        current = array.getValue(Integer.parseInt(token));
      } else {
        return null;
      }
      pointer.append('/').append(JsonPointers.escape(name));
    }
    String key = pointer.toString();
    if (nodes.containsKey(key)) {
      return nodes.get(key);
    }
    if (!(current instanceof JsonObject || current instanceof Boolean)) {
      return null;
    }
    // A schema reached only through a reference (under an unknown keyword): walk it as well.
    int before = nodes.size();
    Node node = new Node(key, current);
    nodes.put(key, node);
    Deque<Node> walk = new ArrayDeque<>();
    walk.push(node);
    collectFrom(walk);
    new ArrayList<>(nodes.values()).subList(before, nodes.size()).forEach(pending::push);
    return node;
  }

  private void collectFrom(Deque<Node> walk) {
    while (!walk.isEmpty()) {
      Node node = walk.pop();
      JsonObject schema = node.object();
      if (schema == null) {
        continue;
      }
      noteIdentifiers(node, schema);
      for (String keyword : schema.fieldNames()) {
        Object value = schema.getValue(keyword);
        String at = node.pointer + "/" + JsonPointers.escape(keyword);
        if (IN_PLACE_ONE.contains(keyword) || NESTED_ONE.contains(keyword)
            || (keyword.equals("items") && !(value instanceof JsonArray))) {
          add(at, value, walk);
        } else if ((IN_PLACE_LIST.contains(keyword) || NESTED_LIST.contains(keyword) || keyword.equals("items"))
            && value instanceof JsonArray list) {
          for (int i = 0; i < list.size(); i++) {
            add(at + "/" + i, list.getValue(i), walk);
          }
        } else if ((IN_PLACE_MAP.contains(keyword) || NESTED_MAP.contains(keyword) || DEFINITIONS.contains(keyword))
            && value instanceof JsonObject map) {
          for (String name : map.fieldNames()) {
            add(at + "/" + JsonPointers.escape(name), map.getValue(name), walk);
          }
        }
      }
    }
  }

  void fault(String pointer, String message) {
    faults.add(FieldError.at(errorPointer + pointer, message));
  }
}
