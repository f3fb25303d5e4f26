package io.taskq.schema;

import io.taskq.error.JsonPointers;
import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Compiles task types' param schemas (JSON Schema draft 2020-12 by default, or the draft named
 * by {@code $schema}). A schema is accepted only when it can be used safely on every create:
 * it is valid against its meta-schema, no larger than {@link #MAX_DEPTH} levels and
 * {@link #MAX_VALUES} values, its references stay inside it (the validator never fetches
 * anything, so any other reference would fail every create), it has no cycle of references
 * that never descends into the params, its cost per value is bounded ({@link SchemaCost}) and
 * its regular expressions compile.
 */
public final class ParamSchemas {

  /** Nesting of the schema document itself: the meta-schema check and compilation recurse over it. */
  static final int MAX_DEPTH = 64;
  static final int MAX_VALUES = 20_000;

  private static final String BASE_URI = "https://taskq.dev/schemas/";
  private static final List<Draft> SUPPORTED = List.of(Draft.DRAFT202012, Draft.DRAFT201909, Draft.DRAFT7, Draft.DRAFT4);

  private final Map<Draft, Validator> metaValidators = new EnumMap<>(Draft.class);

  /** Reads the meta-schemas from the classpath: call it before the event loops run. */
  public ParamSchemas(FileSystem fileSystem) {
    for (Draft draft : SUPPORTED) {
      SchemaRepository repository = SchemaRepository.create(options(draft)).preloadMetaSchema(fileSystem, draft);
      metaValidators.put(draft, repository.validator(draft.getIdentifier()));
    }
  }

  /** A validator for {@code schema}, or Invalid listing why the schema cannot be used; faults are under {@code pointer}. */
  public ParamValidator compile(JsonObject schema, String pointer) {
    return compile(schema, pointer, "a task type");
  }

  /** As {@link #compile(JsonObject, String)}; {@code label} names the type in the server log. */
  public ParamValidator compile(JsonObject schema, String pointer, String label) {
    checkSize(schema, pointer);
    Draft draft = draftOf(schema, pointer);
    // The validator annotates the schema it is given (it adds __absolute_uri__ keys): hand it
    // copies, so that what is stored and compared stays what the client sent.
    OutputUnit metaCheck;
    try {
      metaCheck = metaValidators.get(draft).validate(schema.copy());
    } catch (Throwable e) { // NOSONAR: nothing a client sends may escape as a 500
      throw Invalid.of(pointer, "param_schema cannot be checked against its meta-schema");
    }
    if (!Boolean.TRUE.equals(metaCheck.getValid())) {
      throw new Invalid("param_schema is not a valid " + draft.getIdentifier() + " schema",
          SchemaMessages.of(metaCheck, pointer, null, "is not a valid schema"));
    }
    SchemaGraph graph = SchemaGraph.of(schema, pointer);
    List<FieldError> faults = new ArrayList<>(graph.faults());
    faults.addAll(patternFaults(graph, pointer));
    if (!faults.isEmpty()) {
      throw new Invalid("param_schema cannot be used: " + faults.get(0).message(), faults);
    }
    SchemaCost.Verdict cost = SchemaCost.of(graph, pointer);
    if (!cost.faults().isEmpty()) {
      throw new Invalid("param_schema cannot be used: " + cost.faults().get(0).message(), cost.faults());
    }
    // Compiled even when it will not be asked, so that registration refuses whatever compiling
    // refuses, whether or not creates will use the validator.
    Validator validator = build(schema.copy(), graph, draft, pointer);
    if (EveryObjectSchema.is(schema)) {
      return ParamValidator.everyObject(label);
    }
    return ParamValidator.of(validator, cost.paramsDepthLimit(), label);
  }

  /** The faults of {@code params} against a compiled schema, each under {@code pointer}. */
  public static List<FieldError> check(ParamValidator validator, JsonObject params, String pointer, Integer index) {
    return validator.check(params, pointer, index);
  }

  /**
   * Compiles in a repository of this schema alone, then asks it for every reference the graph
   * follows: what the validator would not find is refused now rather than on every create.
   */
  private static Validator build(JsonObject copy, SchemaGraph graph, Draft draft, String pointer) {
    try {
      SchemaRepository repository = SchemaRepository.create(options(draft));
      JsonSchema root = JsonSchema.of(copy);
      repository.dereference(root);
      for (SchemaGraph.Node node : graph.nodes()) {
        for (String keyword : List.of("$ref", "$recursiveRef")) {
          if (node.object() != null && node.object().getValue(keyword) instanceof String) {
            Object annotated = at(copy, node.pointer);
            Object absolute = annotated instanceof JsonObject o
                ? o.getValue(keyword.equals("$ref") ? "__absolute_ref__" : "__absolute_recursive_ref__") : null;
            if (!(absolute instanceof String uri) || repository.find(uri) == null) {
              throw Invalid.of(pointer + node.pointer + "/" + keyword, "does not refer to a schema inside param_schema");
            }
          }
        }
      }
      return repository.validator(root);
    } catch (Invalid e) {
      throw e;
    } catch (Throwable e) { // NOSONAR: the library's own faults become ours
      throw Invalid.of(pointer, "param_schema cannot be compiled; check its $id, $anchor and $ref values");
    }
  }

  private static Object at(JsonObject document, String pointer) {
    Object current = document;
    if (pointer.isEmpty()) {
      return current;
    }
    for (String token : pointer.substring(1).split("/", -1)) {
      String name = JsonPointers.unescape(token);
      if (current instanceof JsonObject object) {
        current = object.getValue(name);
      } else if (current instanceof JsonArray array) {
        current = array.getValue(Integer.parseInt(name));
      } else {
        return null;
      }
    }
    return current;
  }

  private static List<FieldError> patternFaults(SchemaGraph graph, String pointer) {
    List<FieldError> faults = new ArrayList<>();
    for (SchemaGraph.Node node : graph.nodes()) {
      JsonObject schema = node.object();
      if (schema == null) {
        continue;
      }
      if (schema.getValue("pattern") instanceof String regex && !compiles(regex)) {
        faults.add(FieldError.at(pointer + node.pointer + "/pattern", "is not a valid regular expression"));
      }
      if (schema.getValue("patternProperties") instanceof JsonObject patterns) {
        for (String regex : patterns.fieldNames()) {
          if (!compiles(regex)) {
            faults.add(FieldError.at(pointer + node.pointer + "/patternProperties/" + JsonPointers.escape(regex),
                "is not a valid regular expression"));
          }
        }
      }
    }
    return faults;
  }

  private static boolean compiles(String regex) {
    try {
      Pattern.compile(regex);
      return true;
    } catch (Throwable e) { // NOSONAR: deeply nested groups overflow the compiler's stack
      return false;
    }
  }

  private static void checkSize(JsonObject schema, String pointer) {
    int[] values = {0};
    if (!withinSize(schema, 1, values)) {
      throw Invalid.of(pointer, "param_schema is too large: at most " + MAX_DEPTH + " levels of nesting and "
          + MAX_VALUES + " values");
    }
  }

  private static boolean withinSize(Object value, int depth, int[] values) {
    if (++values[0] > MAX_VALUES || depth > MAX_DEPTH) {
      return false;
    }
    if (value instanceof JsonObject object) {
      for (String name : object.fieldNames()) {
        if (!withinSize(object.getValue(name), depth + 1, values)) {
          return false;
        }
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        if (!withinSize(array.getValue(i), depth + 1, values)) {
          return false;
        }
      }
    }
    return true;
  }

  private static Draft draftOf(JsonObject schema, String pointer) {
    Object declared = schema.getValue("$schema");
    if (declared == null) {
      return Draft.DRAFT202012;
    }
    if (declared instanceof String identifier) {
      for (Draft draft : SUPPORTED) {
        if (sameIdentifier(draft.getIdentifier(), identifier)) {
          return draft;
        }
      }
    }
    throw Invalid.of(pointer + "/$schema", "unsupported $schema; use https://json-schema.org/draft/2020-12/schema,"
        + " https://json-schema.org/draft/2019-09/schema, http://json-schema.org/draft-07/schema# or"
        + " http://json-schema.org/draft-04/schema#");
  }

  private static boolean sameIdentifier(String a, String b) {
    return normalise(a).equals(normalise(b));
  }

  private static String normalise(String id) {
    String s = id.trim().replaceFirst("^https?://", "");
    return s.endsWith("#") ? s.substring(0, s.length() - 1) : s;
  }

  private static JsonSchemaOptions options(Draft draft) {
    return new JsonSchemaOptions().setDraft(draft).setBaseUri(BASE_URI).setOutputFormat(OutputFormat.Basic);
  }
}
