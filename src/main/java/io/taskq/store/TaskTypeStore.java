package io.taskq.store;

import io.taskq.queue.TaskType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

public interface TaskTypeStore {

  /** The outcome of registering: the type as stored, and whether this call created it. */
  record Registration(TaskType type, boolean created) {
  }

  /** Inserts (name, version) unless it exists; either way answers the stored definition. */
  Future<Registration> insertIfAbsent(String name, String version, JsonObject paramSchema, int maxAttempts, int leaseSeconds);

  Future<List<TaskType>> listAll();

  Future<Optional<TaskType>> find(String name, String version);

  /** Turns a version on or off for new tasks; empty when (name, version) is not registered. */
  Future<Optional<TaskType>> setActive(String name, String version, boolean active);

  /** The most recently registered active version of a type (not the highest: versions are text). */
  Future<Optional<TaskType>> findNewestActive(String name);

  /** Sets (or, with null, removes) the max_concurrency of every version of a type. */
  Future<Void> setMaxConcurrency(String name, Integer maxConcurrency);
}
