package io.taskq.queue;

import io.taskq.error.NotFound;
import io.taskq.store.ProjectStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Projects, and the answer to "does project N exist?" that every project-scoped request
 * needs. Projects are never deleted, so an id once seen is remembered and costs no query again.
 */
public final class ProjectService {

  private final ProjectStore store;
  private final Set<Long> known = ConcurrentHashMap.newKeySet();

  public ProjectService(ProjectStore store) {
    this.store = store;
  }

  public Future<Project> create(String name) {
    return store.insert(name).onSuccess(p -> known.add(p.id()));
  }

  public Future<List<Project>> list() {
    return store.listAll();
  }

  public Future<Optional<Project>> find(long id) {
    return store.findById(id).onSuccess(p -> p.ifPresent(found -> known.add(found.id())));
  }

  public Future<Void> requireExisting(long id) {
    if (known.contains(id)) {
      return Future.succeededFuture();
    }
    return find(id).compose(p -> p.isPresent()
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(new NotFound("project " + id + " not found")));
  }
}
