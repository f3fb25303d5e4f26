package io.taskq.store;

import io.taskq.queue.Project;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

public interface ProjectStore {

  Future<Project> insert(String name);

  Future<List<Project>> listAll();

  Future<Optional<Project>> findById(long id);
}
