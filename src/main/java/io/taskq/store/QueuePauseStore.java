package io.taskq.store;

import io.vertx.core.Future;
import java.util.List;

/** Paused queues of a project: a type name, or "*" for the whole project. */
public interface QueuePauseStore {

  Future<List<String>> pause(long projectId, String type);

  Future<List<String>> resume(long projectId, String type);

  Future<List<String>> paused(long projectId);
}
