package io.taskq.queue;

import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.vertx.core.file.FileSystem;
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

/**
 * Compiles task types' param schemas (JSON Schema draft 2020-12 by default, or the draft named
 * by {@code $schema}) after checking them against their meta-schema, and turns validation
 * output into field errors.
 */
public final class ParamSchemas {

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

  /** A validator for {@code schema}, or Invalid listing why the schema is not one. */
  public Validator compile(JsonObject schema, String pointer) {
    Draft draft = draftOf(schema, pointer);
    // The validator annotates the schema it is given (it adds __absolute_uri__ keys): hand it
    // copies, so that what is stored and compared stays what the client sent.
    OutputUnit metaCheck = metaValidators.get(draft).validate(schema.copy());
    if (!Boolean.TRUE.equals(metaCheck.getValid())) {
      throw new Invalid("param_schema is not a valid " + draft.getIdentifier() + " schema",
          violations(metaCheck, pointer, null));
    }
    try {
      return Validator.create(JsonSchema.of(schema.copy()), options(draft));
    } catch (RuntimeException e) {
      throw Invalid.of(pointer, "param_schema cannot be compiled: " + e.getMessage());
    }
  }

  /** The faults of {@code params} against a compiled schema, each under {@code pointer}. */
  public static List<FieldError> check(Validator validator, JsonObject params, String pointer, Integer index) {
    OutputUnit result;
    try {
      result = validator.validate(params);
    } catch (RuntimeException e) {
      return List.of(new FieldError(pointer, index, "params cannot be checked against the schema: " + e.getMessage()));
    }
    return Boolean.TRUE.equals(result.getValid()) ? List.of() : violations(result, pointer, index);
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
    throw Invalid.of(pointer + "/$schema", "unsupported $schema " + declared
        + "; use https://json-schema.org/draft/2020-12/schema or http://json-schema.org/draft-07/schema#");
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

  private static List<FieldError> violations(OutputUnit unit, String pointer, Integer index) {
    List<FieldError> errors = new ArrayList<>();
    List<OutputUnit> units = unit.getErrors() == null || unit.getErrors().isEmpty() ? List.of(unit) : unit.getErrors();
    for (OutputUnit error : units) {
      String location = error.getInstanceLocation() == null ? "" : error.getInstanceLocation();
      if (location.startsWith("#")) {
        location = location.substring(1);
      }
      String message = error.getError() == null ? "does not match the schema" : error.getError();
      errors.add(new FieldError(pointer + location, index, message));
    }
    return errors;
  }
}
