package io.taskq.workflow;

import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.taskq.error.Unavailable;
import io.taskq.queue.BulkOutcome;
import io.taskq.queue.DuplicateStrategy;
import io.taskq.queue.InRequestDuplicates;
import io.taskq.queue.NewTask;
import io.taskq.queue.TaskDraft;
import io.taskq.queue.TaskService;
import io.taskq.store.DependencyStore;
import io.taskq.store.TaskStore.Insertion;
import io.taskq.workflow.GraphPlan.ItemPointers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Creates tasks with links: a bulk request whose items name prerequisites (each other by
 * {@code ref}, existing tasks by id or external id) or parents ({@code parent_ref},
 * {@code parent_id}), or a single task that does. The graph is
 * checked whole ({@link GraphPlan}), then written in one transaction in a constant number of
 * statements ({@link GraphWrite}); a re-post skips every item it already created, and the new
 * items of a re-post link to the stored ones.
 */
public final class GraphService {

  private final TaskService tasks;
  private final DependencyStore store;

  public GraphService(TaskService tasks, DependencyStore store) {
    this.tasks = tasks;
    this.store = store;
  }

  public Future<BulkOutcome> createAll(long projectId, List<TaskDraft> drafts, DuplicateStrategy strategy) {
    return tasks.checkAll(drafts).compose(checked -> write(projectId, drafts, checked, strategy, ItemPointers.BULK));
  }

  /** A single task with prerequisites: a graph of one. Answers 200's task when its identity is taken. */
  public Future<Insertion> create(long projectId, TaskDraft draft) {
    return tasks.checkOne(draft)
        .compose(task -> write(projectId, List.of(draft), List.of(task), DuplicateStrategy.EXTERNAL_ID, ItemPointers.SINGLE))
        .compose(outcome -> {
          if (!outcome.created().isEmpty()) {
            return Future.succeededFuture(new Insertion(outcome.created().get(0), true));
          }
          BulkOutcome.Skipped skipped = outcome.skipped().get(0);
          return skipped.task() != null ? Future.succeededFuture(new Insertion(skipped.task(), false))
              : Future.failedFuture(new Unavailable("the task's identity kept changing hands; retry the request"));
        });
  }

  private Future<BulkOutcome> write(long projectId, List<TaskDraft> drafts, List<NewTask> checked, DuplicateStrategy strategy,
      ItemPointers where) {
    InRequestDuplicates duplicates = InRequestDuplicates.find(checked, strategy);
    GraphPlan plan = GraphPlan.of(checked, drafts.stream().map(TaskDraft::dependsOn).toList(),
        drafts.stream().map(d -> new GraphPlan.Parent(d.parentId(), d.parentRef(), d.completeWhenChildrenDone())).toList(),
        duplicates.firstOf(), where);
    return store.inTransaction(writer -> new GraphWrite(writer, projectId, checked, duplicates, plan, strategy, where, null).run())
        .map(outcome -> {
          tasks.recordCreated(projectId, outcome.created());
          return outcome;
        });
  }

  /**
   * Starts a workflow run and writes its tasks (checked drafts, linked by refs to each other's
   * external ids) in one transaction; empty when the run id is taken (the run and its tasks
   * exist: nothing is written).
   */
  public Future<Optional<BulkOutcome>> startRun(long projectId, long workflowId, String runId, JsonObject params,
      Instant scheduledFor, List<TaskDraft> drafts, List<NewTask> checked) {
    InRequestDuplicates duplicates = InRequestDuplicates.find(checked, DuplicateStrategy.EXTERNAL_ID);
    GraphPlan plan = GraphPlan.of(checked, drafts.stream().map(TaskDraft::dependsOn).toList(),
        drafts.stream().map(d -> GraphPlan.Parent.NONE).toList(), duplicates.firstOf(), ItemPointers.BULK);
    return store.inTransaction(writer -> writer.startRun(projectId, workflowId, runId, params, scheduledFor)
            .compose(run -> run.isEmpty() ? Future.succeededFuture(Optional.<BulkOutcome>empty())
                : new GraphWrite(writer, projectId, checked, duplicates, plan, DuplicateStrategy.EXTERNAL_ID, ItemPointers.BULK,
                    run.get()).run().map(Optional::of)))
        .map(outcome -> {
          outcome.ifPresent(o -> tasks.recordCreated(projectId, o.created()));
          return outcome;
        });
  }

  /** A fault of one link, found once existing tasks were looked up. */
  static Invalid linkFault(ItemPointers where, GraphPlan.Edge edge, String message) {
    String pointer = where.of(edge.item()) + "/depends_on/" + edge.position() + "/" + edge.prerequisite().kind().field();
    return new Invalid(message, List.of(new FieldError(pointer, where.index(edge.item()), message)));
  }
}
