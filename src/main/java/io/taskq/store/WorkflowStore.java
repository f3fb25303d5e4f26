package io.taskq.store;

import io.taskq.workflow.model.Workflow;
import io.taskq.workflow.model.WorkflowDefinition;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

public interface WorkflowStore {

  /**
   * The outcome of registering: the workflow as stored, whether this call created it, and
   * whether the stored definition is the one sent (always true when created).
   */
  record Registration(Workflow workflow, boolean created, boolean sameDefinition) {
  }

  /** Inserts (project, name, version) unless it exists; either way answers the stored one, compared with {@code definition}. */
  Future<Registration> insertIfAbsent(long projectId, String name, int version, WorkflowDefinition definition);

  /** A page of the project's workflows (every version) with an id above {@code afterId}, in id order. */
  Future<List<Workflow>> listAfter(long projectId, long afterId, int limit);

  /** As {@link #listAfter}, only the versions of one name. */
  Future<List<Workflow>> listNamedAfter(long projectId, String name, long afterId, int limit);

  Future<Optional<Workflow>> findNewest(long projectId, String name);

  Future<Optional<Workflow>> find(long projectId, String name, int version);
}
