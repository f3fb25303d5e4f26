package io.taskq.schema;

import io.taskq.error.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A task type's param schema, ready to check params. Whatever happens inside the validator, a
 * check answers field errors: params are a client's input, and no input of one client may fail
 * with a 500 or take an event loop down. A schema stored before taskq checked schemas at
 * registration, and found unusable now, answers a fault for every create of its type.
 */
public final class ParamValidator {

  private static final Logger LOG = Logger.getLogger(ParamValidator.class.getName());
  static final String MISMATCH = "does not match the schema";

  private final Validator validator;
  /** The schema is satisfied by every params object ({@link EveryObjectSchema}): nothing to ask the validator. */
  private final boolean everyObject;
  private final int paramsDepthLimit;
  private final String label;
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  private ParamValidator(Validator validator, boolean everyObject, int paramsDepthLimit, String label) {
    this.validator = validator;
    this.everyObject = everyObject;
    this.paramsDepthLimit = paramsDepthLimit;
    this.label = label;
  }

  static ParamValidator of(Validator validator, int paramsDepthLimit, String label) {
    return new ParamValidator(validator, false, paramsDepthLimit, label);
  }

  /** A schema that every params object satisfies: a check finds nothing, without the validator. */
  static ParamValidator everyObject(String label) {
    return new ParamValidator(null, true, SchemaCost.ANY_DEPTH, label);
  }

  /** A schema that cannot be used: every check is a fault. */
  public static ParamValidator unusable(String label) {
    return new ParamValidator(null, false, 0, label);
  }

  /** The faults of {@code params}, each at {@code pointer} or below it. */
  public List<FieldError> check(JsonObject params, String pointer, Integer index) {
    if (everyObject) {
      return List.of();
    }
    if (validator == null) {
      return List.of(new FieldError(pointer, index, "cannot be checked: this version of the task type has a param_schema"
          + " that taskq cannot use; register a new version of the type"));
    }
    if (paramsDepthLimit != SchemaCost.ANY_DEPTH && nestsDeeperThan(params, paramsDepthLimit)) {
      return List.of(new FieldError(pointer, index, "nests deeper than " + paramsDepthLimit
          + " levels, the most that this task type's recursive param_schema checks"));
    }
    OutputUnit result;
    try {
      result = validator.validate(params);
    } catch (Throwable e) { // NOSONAR: a StackOverflowError from a schema must not escape either
      if (failureLogged.compareAndSet(false, true)) {
        LOG.log(Level.WARNING, "checking params against the param_schema of " + label + " failed inside the validator;"
            + " such params are answered 422 (logged once for this schema)", e);
      }
      return List.of(new FieldError(pointer, index, "cannot be checked against the task type's param_schema"));
    }
    return Boolean.TRUE.equals(result.getValid()) ? List.of() : SchemaMessages.of(result, pointer, index, MISMATCH);
  }

  /** Whether containers nest more than {@code limit} levels below {@code value}; recursion stops at the limit. */
  static boolean nestsDeeperThan(Object value, int limit) {
    if (value instanceof JsonObject object) {
      if (object.isEmpty()) {
        return false;
      }
      if (limit == 0) {
        return true;
      }
      for (String name : object.fieldNames()) {
        if (nestsDeeperThan(object.getValue(name), limit - 1)) {
          return true;
        }
      }
    } else if (value instanceof JsonArray array) {
      if (array.isEmpty()) {
        return false;
      }
      if (limit == 0) {
        return true;
      }
      for (int i = 0; i < array.size(); i++) {
        if (nestsDeeperThan(array.getValue(i), limit - 1)) {
          return true;
        }
      }
    }
    return false;
  }
}
