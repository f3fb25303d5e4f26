package io.taskq.queue;

import io.taskq.error.Conflict;
import io.taskq.error.TaskqException;
import io.taskq.store.TaskTypeStore;
import io.taskq.store.TaskTypeStore.Registration;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Registers task types and resolves a task's type for creation. A (name, version) never
 * changes once registered, so its compiled schema is cached for good; which version is the
 * newest can change on another instance, so that answer is cached for a short while only.
 */
public final class TaskTypeService {

  private static final Logger LOG = Logger.getLogger(TaskTypeService.class.getName());

  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final int DEFAULT_LEASE_SECONDS = 30;
  /** How stale "the newest version" may be when another instance registers a newer one. */
  static final Duration NEWEST_VERSION_TTL = Duration.ofSeconds(1);

  /** A type with its compiled param schema. */
  public record ResolvedType(TaskType type, ParamValidator validator) {
  }

  private record Newest(ResolvedType resolved, Instant fetchedAt) {
  }

  private final TaskTypeStore store;
  private final ParamSchemas schemas;
  private final Clock clock;
  private final Map<String, ResolvedType> byNameAndVersion = new ConcurrentHashMap<>();
  private final Map<String, Newest> newestByName = new ConcurrentHashMap<>();

  public TaskTypeService(TaskTypeStore store, ParamSchemas schemas, Clock clock) {
    this.store = store;
    this.schemas = schemas;
    this.clock = clock;
  }

  /**
   * Registers a type. The same name and version again is fine when the definition is the
   * same (created = false); a different schema, or different limits when they are given, is
   * a conflict: tasks already refer to the stored definition. {@code maxConcurrency}: empty
   * leaves it as it is; a present empty removes the limit.
   */
  public Future<Registration> register(String name, int version, JsonObject paramSchema, Integer maxAttempts, Integer leaseSeconds,
      Optional<Optional<Integer>> maxConcurrency) {
    ParamValidator validator = schemas.compile(paramSchema, "/param_schema", label(name, version));
    int attempts = maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
    int lease = leaseSeconds == null ? DEFAULT_LEASE_SECONDS : leaseSeconds;
    return store.insertIfAbsent(name, version, paramSchema, attempts, lease).compose(registration -> {
      TaskType stored = registration.type();
      if (!registration.created()) {
        if (!stored.paramSchema().equals(paramSchema)) {
          return Future.failedFuture(new Conflict("task-type-conflict",
              "task type " + name + " version " + version + " is already registered with a different param_schema;"
                  + " register a new version instead"));
        }
        if ((maxAttempts != null && maxAttempts != stored.maxAttempts())
            || (leaseSeconds != null && leaseSeconds != stored.leaseSeconds())) {
          return Future.failedFuture(new Conflict("task-type-conflict",
              "task type " + name + " version " + version + " is already registered with different max_attempts"
                  + " or lease_seconds; register a new version instead"));
        }
      }
      ResolvedType resolved = new ResolvedType(stored, validator);
      byNameAndVersion.putIfAbsent(key(name, version), resolved);
      newestByName.remove(name);
      if (maxConcurrency.isEmpty()) {
        return Future.succeededFuture(registration);
      }
      // max_concurrency is an operational setting of the name, not part of the definition: it may change.
      return store.setMaxConcurrency(name, maxConcurrency.get().orElse(null))
          .compose(v -> store.find(name, version))
          .map(found -> new Registration(found.orElseThrow(), registration.created()));
    });
  }

  public Future<List<TaskType>> list() {
    return store.listAll();
  }

  /** The type a task names: that version, or the newest active one; empty when there is none. */
  public Future<Optional<ResolvedType>> find(String name, Integer version) {
    if (version != null) {
      ResolvedType cached = byNameAndVersion.get(key(name, version));
      if (cached != null) {
        return Future.succeededFuture(Optional.of(cached));
      }
      return store.find(name, version).map(found -> found.map(this::remember));
    }
    Newest newest = newestByName.get(name);
    if (newest != null && newest.fetchedAt().plus(NEWEST_VERSION_TTL).isAfter(clock.instant())) {
      return Future.succeededFuture(Optional.of(newest.resolved()));
    }
    return store.findNewestActive(name).map(found -> found.map(type -> {
      ResolvedType resolved = remember(type);
      newestByName.put(name, new Newest(resolved, clock.instant()));
      return resolved;
    }));
  }

  private ResolvedType remember(TaskType type) {
    return byNameAndVersion.computeIfAbsent(key(type.name(), type.version()), k -> new ResolvedType(type, compileStored(type)));
  }

  /**
   * A stored schema that no longer passes the checks (registered by a taskq that did not make
   * them) fails each create of its type with a 422, never with a 500.
   */
  private ParamValidator compileStored(TaskType type) {
    String label = label(type.name(), type.version());
    try {
      return schemas.compile(type.paramSchema(), "/param_schema", label);
    } catch (TaskqException e) {
      LOG.warning("the stored param_schema of " + label + " cannot be used (" + e.detail() + "); creates of it are refused");
      return ParamValidator.unusable(label);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the stored param_schema of " + label + " could not be compiled; creates of it are refused", e);
      return ParamValidator.unusable(label);
    }
  }

  private static String label(String name, int version) {
    return "task type " + name + " version " + version;
  }

  private static String key(String name, int version) {
    return name + "@" + version;
  }

}
