package io.taskq.queue;

import io.taskq.error.Conflict;
import io.taskq.error.NotFound;
import io.taskq.error.TaskqException;
import io.taskq.schema.ParamSchemas;
import io.taskq.schema.ParamValidator;
import io.taskq.store.TaskTypeStore;
import io.taskq.store.TaskTypeStore.Registration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
 * changes its definition once registered, so its compiled schema is cached for good; whether it
 * is active, and which version is the newest active one, can change on another instance, so those
 * answers are cached for a short while only (a change made here is seen here at once).
 * Compiling a schema takes up to several hundred milliseconds for the largest ones (20,000
 * values), so it runs on a worker thread, never on an event loop.
 */
public final class TaskTypeService {

  private static final Logger LOG = Logger.getLogger(TaskTypeService.class.getName());

  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final int DEFAULT_LEASE_SECONDS = 30;
  /** How stale "the newest version", or a version's active flag, may be when another instance changes it. */
  static final Duration NEWEST_VERSION_TTL = Duration.ofSeconds(1);

  /** A type with its compiled param schema. */
  public record ResolvedType(TaskType type, ParamValidator validator) {
  }

  /** A type as the database had it at {@code fetchedAt}: trusted for {@link #NEWEST_VERSION_TTL}. */
  private record Fetched(ResolvedType resolved, Instant fetchedAt) {
  }

  /** {@link ParamSchemas#compile(JsonObject, String, String)}; a seam so tests can see where it runs. */
  @FunctionalInterface
  interface SchemaCompiler {
    ParamValidator compile(JsonObject schema, String pointer, String label);
  }

  private final Vertx vertx;
  private final TaskTypeStore store;
  private final SchemaCompiler compiler;
  private final Clock clock;
  /** A future per type version, so that concurrent first creates share one compile. */
  private final Map<String, Future<ResolvedType>> byNameAndVersion = new ConcurrentHashMap<>();
  private final Map<String, Fetched> newestByName = new ConcurrentHashMap<>();
  /** The stored row (active flag included) of a version named by tasks, fetched at most once a TTL. */
  private final Map<String, Fetched> namedByKey = new ConcurrentHashMap<>();

  public TaskTypeService(Vertx vertx, TaskTypeStore store, ParamSchemas schemas, Clock clock) {
    this(vertx, store, schemas::compile, clock);
  }

  TaskTypeService(Vertx vertx, TaskTypeStore store, SchemaCompiler compiler, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.compiler = compiler;
    this.clock = clock;
  }

  /**
   * Registers a type. The same name and version again is fine when the definition is the
   * same (created = false); a different schema, or different limits when they are given, is
   * a conflict: tasks already refer to the stored definition. {@code maxConcurrency}: empty
   * leaves it as it is; a present empty removes the limit.
   */
  public Future<Registration> register(String name, String version, JsonObject paramSchema, Integer maxAttempts, Integer leaseSeconds,
      Optional<Optional<Integer>> maxConcurrency) {
    int attempts = maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
    int lease = leaseSeconds == null ? DEFAULT_LEASE_SECONDS : leaseSeconds;
    // Unordered: compiles of different registrations need not wait for each other.
    return vertx.executeBlocking(() -> compiler.compile(paramSchema, "/param_schema", label(name, version)), false)
        .compose(validator -> store.insertIfAbsent(name, version, paramSchema, attempts, lease)
            .compose(registration -> stored(registration, validator, paramSchema, maxAttempts, leaseSeconds, maxConcurrency)));
  }

  private Future<Registration> stored(Registration registration, ParamValidator validator, JsonObject paramSchema,
      Integer maxAttempts, Integer leaseSeconds, Optional<Optional<Integer>> maxConcurrency) {
    String name = registration.type().name();
    String version = registration.type().version();
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
    byNameAndVersion.putIfAbsent(key(name, version), Future.succeededFuture(new ResolvedType(stored, validator)));
    newestByName.remove(name);
    namedByKey.remove(key(name, version));
    if (maxConcurrency.isEmpty()) {
      return Future.succeededFuture(registration);
    }
    // max_concurrency is an operational setting of the name, not part of the definition: it may change.
    return store.setMaxConcurrency(name, maxConcurrency.get().orElse(null))
        .compose(v -> store.find(name, version))
        .map(found -> new Registration(found.orElseThrow(), registration.created()));
  }

  public Future<List<TaskType>> list() {
    return store.listAll();
  }

  /**
   * Turns a version on or off for new tasks (existing tasks of it still run); 404 when it is not
   * registered. This instance sees the change at once, the others within {@link #NEWEST_VERSION_TTL}.
   */
  public Future<TaskType> setActive(String name, String version, boolean active) {
    if (!TaskTypeName.isValid(name) || TaskTypeVersion.fault(version).isPresent()) {
      return Future.failedFuture(versionNotFound(name, version));
    }
    return store.setActive(name, version, active).compose(found -> {
      newestByName.remove(name);
      namedByKey.remove(key(name, version));
      return found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(versionNotFound(name, version)));
    });
  }

  private static NotFound versionNotFound(String name, String version) {
    return new NotFound("task type " + name + " has no version " + version);
  }

  /**
   * The type a task names: that version (active or not: the caller decides), or the newest active
   * one; empty when there is none.
   */
  public Future<Optional<ResolvedType>> find(String name, String version) {
    if (version != null) {
      String key = key(name, version);
      Fetched named = namedByKey.get(key);
      if (named != null && named.fetchedAt().plus(NEWEST_VERSION_TTL).isAfter(clock.instant())) {
        return Future.succeededFuture(Optional.of(named.resolved()));
      }
      return store.find(name, version).compose(found -> {
        if (found.isEmpty()) {
          return Future.succeededFuture(Optional.empty());
        }
        // The compiled schema is kept for good; the row, whose active flag may change, is the one just read.
        return remember(found.get()).map(compiled -> {
          ResolvedType resolved = new ResolvedType(found.get(), compiled.validator());
          namedByKey.put(key, new Fetched(resolved, clock.instant()));
          return Optional.of(resolved);
        });
      });
    }
    Fetched newest = newestByName.get(name);
    if (newest != null && newest.fetchedAt().plus(NEWEST_VERSION_TTL).isAfter(clock.instant())) {
      return Future.succeededFuture(Optional.of(newest.resolved()));
    }
    return store.findNewestActive(name).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      // As for a named version: the compiled schema from the cache, the row (its active flag) just read.
      return remember(found.get()).map(compiled -> {
        ResolvedType resolved = new ResolvedType(found.get(), compiled.validator());
        newestByName.put(name, new Fetched(resolved, clock.instant()));
        return Optional.of(resolved);
      });
    });
  }

  /** The compiled type; the first caller starts the compile and every concurrent caller shares its future. */
  private Future<ResolvedType> remember(TaskType type) {
    String key = key(type.name(), type.version());
    return byNameAndVersion.computeIfAbsent(key, k -> {
      Future<ResolvedType> compiled = vertx.executeBlocking(() -> new ResolvedType(type, compileStored(type)), false);
      // compileStored answers every fault with an unusable validator; anything else (an Error) is retried next time.
      compiled.onFailure(e -> byNameAndVersion.remove(key, compiled));
      return compiled;
    });
  }

  /**
   * A stored schema that no longer passes the checks (registered by a taskq that did not make
   * them) fails each create of its type with a 422, never with a 500.
   */
  private ParamValidator compileStored(TaskType type) {
    String label = label(type.name(), type.version());
    try {
      return compiler.compile(type.paramSchema(), "/param_schema", label);
    } catch (TaskqException e) {
      LOG.warning("the stored param_schema of " + label + " cannot be used (" + e.detail() + "); creates of it are refused");
      return ParamValidator.unusable(label);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the stored param_schema of " + label + " could not be compiled; creates of it are refused", e);
      return ParamValidator.unusable(label);
    }
  }

  private static String label(String name, String version) {
    return "task type " + name + " version " + version;
  }

  private static String key(String name, String version) {
    return name + "@" + version;
  }

}
