package io.taskq.store;

import io.taskq.queue.PausedQueues;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Paused queues of a project. The whole project and a single type are separate operations, so no
 * type name can ever stand for the whole project. Each answers the paused queues after it.
 */
public interface QueuePauseStore {

  Future<PausedQueues> pauseProject(long projectId);

  Future<PausedQueues> resumeProject(long projectId);

  /** Pauses the queue of a type of which some version is registered; empty (and nothing paused) when none is. */
  Future<Optional<PausedQueues>> pauseType(long projectId, String type);

  /** Resumes a registered type's queue; empty (and nothing changed) when no version of it is registered. */
  Future<Optional<PausedQueues>> resumeType(long projectId, String type);

  Future<PausedQueues> paused(long projectId);
}
