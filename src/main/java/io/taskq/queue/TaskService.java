package io.taskq.queue;

import io.taskq.coalesce.Coalescer;
import io.taskq.coalesce.CoalescerPerKey;
import io.taskq.config.RetryPolicy;
import io.taskq.error.Conflict;
import io.taskq.error.FieldError;
import io.taskq.error.Invalid;
import io.taskq.error.NotFound;
import io.taskq.metrics.Meters;
import io.taskq.queue.BulkOutcome.Skipped;
import io.taskq.queue.TaskTypeService.ResolvedType;
import io.taskq.schema.ParamSchemas;
import io.taskq.store.TaskStore;
import io.taskq.store.TaskStore.BulkInsertion;
import io.taskq.store.TaskStore.Insertion;
import io.taskq.store.TaskStore.Transition;
import io.vertx.core.Future;
import io.taskq.notify.ClaimableSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The task life cycle: create, claim, heartbeat, complete, fail, cancel, retry. */
public final class TaskService {

  /**
   * How long a coalesced statement may run before the requests waiting behind it get a statement
   * of their own. Statements of the hot path take 1-10 ms under load here; this is for the
   * unusual one (a completion releasing thousands of dependents, a stalled connection).
   */
  static final long SLOW_STATEMENT_MS = 20;
  /**
   * Lease-holder changes in flight (group commit): one, and up to four while the running ones are
   * slow. One at a time made batches bigger and cheaper: claim(1) -> complete at 32 workers cost
   * PostgreSQL 319-344 us of CPU a task with one claim and one change in flight, 536-564 with two
   * and four (interleaved runs, src/site/markdown/benchmarks.md).
   */
  static final Coalescer.InFlight CHANGES_IN_FLIGHT = new Coalescer.InFlight(1, 4, SLOW_STATEMENT_MS);
  /** Items of one group-committed statement. */
  static final int MAX_BATCH = 1000;
  /** Rounds of {@link #releaseAfterParents}: far more than any nesting of parents that complete with their children. */
  static final int MAX_PARENT_ROUNDS = 1000;
  private static final Logger LOG = Logger.getLogger(TaskService.class.getName());
  /**
   * Where a refused value lies, when it is cheap to say: a completion's and a failure's one
   * free-form value. Below the HTTP edge (which names the exact pointer) nothing walks values
   * to find it: an item's own 422 is what isolation owes it.
   */
  private static final String RESULT = "/result";
  private static final String ERROR = "/error";

  private final TaskStore store;
  private final TaskTypeService types;
  private final Meters meters;
  private final RetryPolicy retry;
  private final ClaimCoalescers claims;
  private final CreateCoalescers creates;
  private final ClaimableSignals signals;
  private final ClaimWaiters waiters;
  /** Per project, so that each statement stays on one project's rows (a shard, if tasks are distributed by project). */
  private final CoalescerPerKey<Long, Completion, Transition> completions;
  private final CoalescerPerKey<Long, AttemptFailure, Transition> failures;

  public TaskService(TaskStore store, TaskTypeService types, Meters meters, RetryPolicy retry, ClaimableSignals signals,
      ClaimWaiters waiters) {
    this.signals = signals;
    this.waiters = waiters;
    this.store = store;
    this.types = types;
    this.meters = meters;
    this.retry = retry;
    this.claims = new ClaimCoalescers(store);
    this.creates = new CreateCoalescers(store);
    this.completions = new CoalescerPerKey<>(project -> new Coalescer<>(this::completeAllIfLeaseHeld, CHANGES_IN_FLIGHT,
        MAX_BATCH, c -> 1, Completion::taskId, TaskStore::refusedForContent));
    this.failures = new CoalescerPerKey<>(project -> new Coalescer<>(this::failAllIfLeaseHeld, CHANGES_IN_FLIGHT, MAX_BATCH,
        f -> 1, AttemptFailure::taskId, TaskStore::refusedForContent));
  }

  public Future<Insertion> create(long projectId, TaskDraft draft) {
    return checkOne(draft).compose(task -> creates.create(projectId, task)
        .onSuccess(insertion -> {
          if (insertion.created()) {
            meters.created(projectId, task.type(), 1);
            signals.announce(projectId, dueLater(insertion.task().runAt()));
          }
        }));
  }

  /**
   * Creates many tasks in one transaction. Every item is checked first: one bad item fails
   * the request with every fault listed by index, and nothing is written. Duplicates within
   * the request are resolved here (the first wins); duplicates of stored tasks by the database.
   */
  public Future<BulkOutcome> createAll(long projectId, List<TaskDraft> drafts, DuplicateStrategy strategy) {
    return checkAll(drafts).compose(checked -> insertDistinct(projectId, checked, strategy));
  }

  /**
   * The drafts checked against their types, with the types' defaults filled in; one bad item
   * fails the lot with every fault listed by index.
   */
  public Future<List<NewTask>> checkAll(List<TaskDraft> drafts) {
    return resolveAll(drafts).compose(tasks -> {
      List<FieldError> errors = new ArrayList<>();
      List<NewTask> checked = check(drafts, tasks, errors);
      return errors.isEmpty() ? Future.succeededFuture(checked) : Future.failedFuture(invalidItems(errors, drafts.size()));
    });
  }

  /** One draft checked against its type; faults point below {@code ""} (no item index). */
  public Future<NewTask> checkOne(TaskDraft draft) {
    Future<Optional<ResolvedType>> found = draft.type() == null ? Future.succeededFuture(Optional.empty())
        : types.find(draft.type(), draft.typeVersion());
    return found.compose(type -> {
      List<FieldError> errors = new ArrayList<>();
      NewTask task = resolve(draft, type, "", null, errors);
      return errors.isEmpty() ? Future.succeededFuture(task) : Future.failedFuture(new Invalid(errors.get(0).message(), errors));
    });
  }

  /**
   * The faults of bulk items against their types (unknown type, params against the schema);
   * null items, already found unreadable, are passed over.
   */
  public Future<List<FieldError>> faultsOf(List<TaskDraft> drafts) {
    return resolveAll(drafts).map(types -> {
      List<FieldError> errors = new ArrayList<>();
      check(drafts, types, errors);
      return errors;
    });
  }

  public static Invalid invalidItems(List<FieldError> errors, int total) {
    errors.sort(java.util.Comparator.comparing(e -> e.index() == null ? -1 : e.index()));
    long bad = errors.stream().map(FieldError::index).distinct().count();
    return new Invalid(bad + " of " + total + " tasks are invalid; nothing was created", errors);
  }

  /** Looks up each distinct type the drafts name, once. */
  private Future<Map<String, Optional<ResolvedType>>> resolveAll(List<TaskDraft> drafts) {
    Map<String, Optional<ResolvedType>> resolved = new HashMap<>();
    Future<Void> lookups = Future.succeededFuture();
    for (TaskDraft d : drafts) {
      if (d == null || d.type() == null) {
        continue;
      }
      String key = typeKey(d.type(), d.typeVersion());
      if (resolved.containsKey(key)) {
        continue;
      }
      resolved.put(key, Optional.empty());
      lookups = lookups.compose(v -> types.find(d.type(), d.typeVersion()).map(t -> {
        resolved.put(key, t);
        return null;
      }));
    }
    return lookups.map(v -> resolved);
  }

  private static List<NewTask> check(List<TaskDraft> drafts, Map<String, Optional<ResolvedType>> types, List<FieldError> errors) {
    List<NewTask> tasks = new ArrayList<>(drafts.size());
    for (int i = 0; i < drafts.size(); i++) {
      TaskDraft d = drafts.get(i);
      tasks.add(d == null ? null : resolve(d, d.type() == null ? Optional.empty() : types.get(typeKey(d.type(), d.typeVersion())),
          "/tasks/" + i, i, errors));
    }
    return tasks;
  }

  private Future<BulkOutcome> insertDistinct(long projectId, List<NewTask> tasks, DuplicateStrategy strategy) {
    InRequestDuplicates duplicates = InRequestDuplicates.find(tasks, strategy);
    List<NewTask> distinct = duplicates.firsts().stream().map(tasks::get).toList();
    Future<BulkInsertion> inserted = store.insertAllIfAbsent(projectId, distinct, strategy)
        .recover(failure -> failure instanceof Invalid refusal
            ? refusedItems(projectId, distinct, duplicates.firsts(), tasks.size(), refusal).compose(Future::failedFuture)
            : Future.failedFuture(failure));
    return inserted.map(insertion -> {
      BulkOutcome outcome = outcomeOf(tasks, duplicates, insertion, strategy);
      recordCreated(projectId, outcome.created());
      return outcome;
    });
  }

  /**
   * Item by item, what a bulk insert of the distinct items ({@code duplicates.firsts()}) did:
   * created, or skipped for a stored task (or for an earlier item of the request) with the reason.
   */
  public static BulkOutcome outcomeOf(List<NewTask> tasks, InRequestDuplicates duplicates, BulkInsertion insertion,
      DuplicateStrategy strategy) {
    Map<Integer, Task> createdByItem = new HashMap<>();
    Map<Integer, Skipped> skippedByItem = new HashMap<>();
    for (int d = 0; d < duplicates.firsts().size(); d++) {
      int item = duplicates.firsts().get(d);
      Task created = insertion.created().get(d);
      if (created != null) {
        createdByItem.put(item, created);
      } else {
        skippedByItem.put(item, collision(item, tasks.get(item), insertion, strategy));
      }
    }
    List<Task> created = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      if (createdByItem.containsKey(i)) {
        created.add(createdByItem.get(i));
        continue;
      }
      if (skippedByItem.containsKey(i)) {
        skipped.add(skippedByItem.get(i));
        continue;
      }
      int first = duplicates.firstOf().get(i);
      Task original = createdByItem.containsKey(first) ? createdByItem.get(first) : skippedByItem.get(first).task();
      skipped.add(new Skipped(i, original, duplicates.reasonOf().get(i), tasks.get(i).externalId()));
    }
    return new BulkOutcome(tasks.size(), created, skipped);
  }

  /** Counts new tasks and tells waiters about those claimable. */
  public void recordCreated(long projectId, List<Task> created) {
    Map<String, Integer> createdByType = new HashMap<>();
    created.forEach(t -> createdByType.merge(t.type(), 1, Integer::sum));
    createdByType.forEach((type, n) -> meters.created(projectId, type, n));
    announceClaimable(projectId, created);
  }

  /**
   * The answer to a bulk request the database refused (all or nothing, so nothing was written):
   * which items it refuses, each with its index, found by the store's search.
   */
  private Future<Throwable> refusedItems(long projectId, List<NewTask> distinct, List<Integer> itemOf, int total, Invalid refusal) {
    return store.findRefusedInsertions(projectId, distinct).<Throwable>map(refused -> {
      List<FieldError> errors = new ArrayList<>();
      refused.forEach((d, why) -> errors.add(FieldError.atItem(itemOf.get(d), "/tasks/" + itemOf.get(d), why.detail())));
      return errors.isEmpty() ? refusal : invalidItems(errors, total);
    }).otherwise(searchFailed -> {
      LOG.log(Level.WARNING, "the search for the refused items of a bulk create failed; the refusal is answered without indexes",
          searchFailed);
      return refusal;
    });
  }

  /** A refusal of one request's content, pointing at the value it names. */
  private static Throwable pointed(Throwable failure, String pointer) {
    return failure instanceof Invalid refusal ? pointed(refusal, pointer) : failure;
  }

  private static Invalid pointed(Invalid refusal, String pointer) {
    if (!refusal.errors().isEmpty()) {
      return refusal;
    }
    return new Invalid(refusal.detail(), List.of(FieldError.at(pointer, refusal.detail())));
  }

  /** Which stored task a skipped item collided with, and why; external id first, then dedupe key, then title. */
  private static Skipped collision(int item, NewTask t, BulkInsertion insertion, DuplicateStrategy strategy) {
    for (Task e : insertion.existing()) {
      if (t.externalId() != null && t.externalId().equals(e.externalId())) {
        return new Skipped(item, e, SkipReason.DUPLICATE_EXTERNAL_ID, t.externalId());
      }
    }
    for (Task e : insertion.existing()) {
      if (t.dedupeKey() != null && t.dedupeKey().equals(e.dedupeKey()) && isLive(e.status())) {
        return new Skipped(item, e, SkipReason.DUPLICATE_DEDUPE_KEY, t.externalId());
      }
    }
    SkipReason reason = strategy == DuplicateStrategy.TITLE_AND_MILESTONE
        ? SkipReason.DUPLICATE_TITLE_AND_MILESTONE : SkipReason.DUPLICATE_TITLE;
    for (Task e : insertion.existing()) {
      if (t.title() != null && e.title() != null && e.title().toLowerCase(Locale.ROOT).equals(t.title().toLowerCase(Locale.ROOT))
          && (strategy != DuplicateStrategy.TITLE_AND_MILESTONE || java.util.Objects.equals(e.milestoneId(), t.milestoneId()))) {
        return new Skipped(item, e, reason, t.externalId());
      }
    }
    // The colliding task was finished or removed between the insert and the look-up.
    return new Skipped(item, null, t.externalId() != null ? SkipReason.DUPLICATE_EXTERNAL_ID : SkipReason.DUPLICATE_DEDUPE_KEY,
        t.externalId());
  }

  static boolean isLive(TaskStatus status) {
    return status == TaskStatus.PENDING || status == TaskStatus.CLAIMED || status == TaskStatus.BLOCKED;
  }

  /**
   * Checks a draft against its type and fills in the type's defaults; faults go to {@code errors}.
   * A draft without a type is an untyped task (the original dashboard's): no schema, the server's defaults.
   */
  private static NewTask resolve(TaskDraft d, Optional<ResolvedType> found, String pointer, Integer index, List<FieldError> errors) {
    if (d.type() == null) {
      if (d.typeVersion() != null) {
        errors.add(new FieldError(pointer + "/type_version", index, "type_version names a version of a type: give type too"));
        return null;
      }
      String dedupeKey = d.dedupe() ? DedupeKeys.of(null, d.params()) : d.dedupeKey();
      return new NewTask(null, null, d.title(), d.description(), d.params(), d.priority() == null ? 0 : d.priority(),
          d.externalId(), d.milestoneId(), dedupeKey, d.runAt(),
          d.maxAttempts() == null ? TaskTypeService.DEFAULT_MAX_ATTEMPTS : d.maxAttempts(), TaskTypeService.DEFAULT_LEASE_SECONDS,
          d.metadata());
    }
    if (found.isEmpty()) {
      errors.add(d.typeVersion() == null
          ? new FieldError(pointer + "/type", index, "unknown task type " + d.type() + " (or no version of it is active)")
          : new FieldError(pointer + "/type_version", index, "task type " + d.type() + " has no version " + d.typeVersion()));
      return null;
    }
    ResolvedType type = found.get();
    if (!type.type().active()) {
      errors.add(new FieldError(pointer + "/type_version", index, "version " + d.typeVersion() + " of task type " + d.type()
          + " is inactive: new tasks cannot use it (activate it, or name an active version)"));
      return null;
    }
    errors.addAll(ParamSchemas.check(type.validator(), d.params(), pointer + "/params", index));
    String dedupeKey = d.dedupe() ? DedupeKeys.of(d.type(), d.params()) : d.dedupeKey();
    return new NewTask(
        d.type(), type.type().version(), d.title(), d.description(), d.params(),
        d.priority() == null ? 0 : d.priority(), d.externalId(), d.milestoneId(), dedupeKey, d.runAt(),
        d.maxAttempts() == null ? type.type().maxAttempts() : d.maxAttempts(), type.type().leaseSeconds(), d.metadata());
  }

  private static String typeKey(String name, String version) {
    // '@' cannot occur in a name; a version cannot be empty, so "name@" means the newest.
    return name + "@" + (version == null ? "" : version);
  }

  public Future<Task> get(long projectId, long taskId) {
    return store.find(projectId, taskId).map(t -> t.orElseThrow(() -> taskNotFound(taskId)));
  }

  public Future<List<Task>> list(long projectId, TaskFilter filter) {
    return store.list(projectId, filter);
  }

  public Future<List<RankedTask>> search(long projectId, TaskFilter filter, TaskSearch search) {
    return store.search(projectId, filter, search);
  }

  public Future<List<TaskLog>> logs(long projectId, long taskId, long after, int limit) {
    return store.logs(projectId, taskId, after, limit).map(l -> l.orElseThrow(() -> taskNotFound(taskId)));
  }

  public Future<List<Attempt>> attempts(long projectId, long taskId, int after, int limit) {
    return store.attempts(projectId, taskId, after, limit).map(l -> l.orElseThrow(() -> taskNotFound(taskId)));
  }

  public Future<List<TaskLog>> projectLogs(long projectId, LogFilter filter) {
    return store.projectLogs(projectId, filter);
  }

  /**
   * Claims up to {@code limit} tasks; with nothing claimable and a {@code wait}, holds the
   * request until a task becomes claimable for it (then claims it) or the wait ends (empty).
   */
  public Future<List<Task>> claim(long projectId, String workerId, List<String> types, int limit, Integer leaseSeconds,
      Duration wait) {
    ClaimRequest request = new ClaimRequest(workerId, limit, leaseSeconds);
    long started = System.nanoTime();
    Supplier<Future<List<Task>>> attempt = () -> claims.claim(projectId, types, request)
        .onSuccess(claimed -> claimed.forEach(t -> {
          meters.claimed(projectId, t.type());
          Instant since = t.runAt() != null && t.runAt().isAfter(t.createdAt()) ? t.runAt() : t.createdAt();
          meters.queueWait(projectId, t.type(), Duration.between(since, t.claimedAt()));
        }));
    return attempt.get()
        .compose(claimed -> claimed.isEmpty() && !wait.isZero()
            ? waiters.await(projectId, wait, attempt)
            : Future.succeededFuture(claimed))
        .onSuccess(claimed -> meters.claimLatency(projectId, Duration.ofNanos(System.nanoTime() - started), !wait.isZero()));
  }

  /** Tells waiters (here and on other instances) about tasks that are, or will be, claimable. */
  private void announceClaimable(long projectId, List<Task> tasks) {
    Instant now = Instant.now();
    Instant earliestLater = null;
    boolean claimableNow = false;
    for (Task t : tasks) {
      if (t.status() != TaskStatus.PENDING) {
        continue;
      }
      if (t.runAt() == null || !t.runAt().isAfter(now)) {
        claimableNow = true;
      } else if (earliestLater == null || t.runAt().isBefore(earliestLater)) {
        earliestLater = t.runAt();
      }
    }
    if (claimableNow) {
      signals.announce(projectId, null);
    }
    if (earliestLater != null) {
      signals.announce(projectId, earliestLater);
    }
  }

  private static Instant dueLater(Instant runAt) {
    return runAt != null && runAt.isAfter(Instant.now()) ? runAt : null;
  }

  public Future<Task> heartbeat(long projectId, long taskId, UUID leaseId, Integer leaseSeconds) {
    return store.heartbeatIfLeaseHeld(projectId, taskId, leaseId, leaseSeconds).map(transition -> {
      Task task = transition.task().orElseThrow(() -> taskNotFound(taskId));
      if (!transition.applied()) {
        throw Conflict.leaseNotHeld(taskId, task.status().wireName());
      }
      return task;
    });
  }

  /** Completing again with the lease that completed the task answers the task: a safe retry. */
  public Future<Task> complete(long projectId, long taskId, UUID leaseId, Object result) {
    Completion completion = new Completion(projectId, taskId, leaseId, result);
    return recheckIfRaced(completions.submit(projectId, completion), leaseId, () -> completions.submit(projectId, completion))
        .recover(failure -> Future.failedFuture(pointed(failure, RESULT)))
        .map(transition -> {
          ItemOutcome outcome = completionOutcome(taskId, leaseId, transition);
          return outcome.task().filter(t -> outcome.kind() == ItemOutcome.Kind.COMPLETED)
              .orElseThrow(() -> outcome.problem(taskId));
        });
  }

  public Future<Task> fail(long projectId, long taskId, UUID leaseId, String error, boolean retryable) {
    AttemptFailure failure = new AttemptFailure(projectId, taskId, leaseId, error, retryable);
    return recheckIfRaced(failures.submit(projectId, failure), leaseId, () -> failures.submit(projectId, failure))
        .recover(refused -> Future.failedFuture(pointed(refused, ERROR)))
        .map(transition -> {
          ItemOutcome outcome = failureOutcome(taskId, transition);
          return outcome.task().filter(t -> outcome.kind() == ItemOutcome.Kind.FAILED)
              .orElseThrow(() -> outcome.problem(taskId));
        });
  }

  /**
   * The batch endpoint: items are independent, one outcome each, in order. The items go through
   * their project's completion coalescer together, so concurrent batch requests share statements
   * (up to {@link #MAX_BATCH} items each) as single completions do: each statement carries a fixed
   * cost in PostgreSQL (its plan's start-up, its triggers, its commit) that a batch of 100 paid
   * alone before. When the database refuses some item's content, that item alone is answered
   * {@code invalid} and the others are applied ({@link io.taskq.coalesce.Isolation}). Any other
   * failure fails the request.
   */
  public Future<List<ItemOutcome>> completeAll(List<Completion> items) {
    return coalescedBatch(items, Completion::projectId, Completion::leaseId, completions,
        (c, t) -> completionOutcome(c.taskId(), c.leaseId(), t),
        (c, refusal) -> ItemOutcome.invalid(c.taskId(), pointed(refusal, RESULT)));
  }

  /** As {@link #completeAll}, for failed attempts, through the projects' failure coalescers. */
  public Future<List<ItemOutcome>> failAll(List<AttemptFailure> items) {
    return coalescedBatch(items, AttemptFailure::projectId, AttemptFailure::leaseId, failures,
        (f, t) -> failureOutcome(f.taskId(), t),
        (f, refusal) -> ItemOutcome.invalid(f.taskId(), pointed(refusal, ERROR)));
  }

  /**
   * Submits a batch request's items to their projects' coalescers, each project's items together;
   * an item that raced (see {@link #recheckIfRaced}) is asked once more with a fresh snapshot.
   */
  private static <I> Future<List<ItemOutcome>> coalescedBatch(List<I> items, Function<I, Long> projectOf,
      Function<I, UUID> leaseOf, CoalescerPerKey<Long, I, Transition> coalescers,
      BiFunction<I, Transition, ItemOutcome> outcome, BiFunction<I, Invalid, ItemOutcome> refused) {
    Map<Long, List<Integer>> positionsByProject = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      positionsByProject.computeIfAbsent(projectOf.apply(items.get(i)), p -> new ArrayList<>()).add(i);
    }
    List<Future<Transition>> answers = new ArrayList<>(Collections.nCopies(items.size(), null));
    positionsByProject.forEach((project, positions) -> {
      List<Future<Transition>> first = coalescers.submitAll(project, positions.stream().map(items::get).toList());
      for (int k = 0; k < positions.size(); k++) {
        I item = items.get(positions.get(k));
        answers.set(positions.get(k), recheckIfRaced(first.get(k), leaseOf.apply(item), () -> coalescers.submit(project, item)));
      }
    });
    return Future.join(answers).transform(ignored -> {
      List<ItemOutcome> outcomes = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        Future<Transition> answer = answers.get(i);
        if (answer.succeeded()) {
          outcomes.add(outcome.apply(items.get(i), answer.result()));
        } else if (answer.cause() instanceof Invalid refusal) {
          outcomes.add(refused.apply(items.get(i), refusal));
        } else {
          return Future.failedFuture(answer.cause());
        }
      }
      return Future.succeededFuture(outcomes);
    });
  }

  /**
   * Completes a batch (TaskStore#completeAllIfLeaseHeld), then releases the dependents of the
   * parents it completed with their last child: the completing statement could not release their own
   * dependents (TaskSql.RELEASE_AFTER_PARENTS), so a parent's dependents are released a statement
   * after the parent completed, before any of the batch is answered.
   */
  private Future<List<Transition>> completeAllIfLeaseHeld(List<Completion> items) {
    return store.completeAllIfLeaseHeld(items).compose(transitions -> {
      Map<Long, List<Long>> parentsByProject = new HashMap<>();
      for (Transition t : transitions) {
        if (t.applied() && !t.completedParents().isEmpty()) {
          parentsByProject.computeIfAbsent(t.task().orElseThrow().projectId(), p -> new ArrayList<>()).addAll(t.completedParents());
        }
      }
      Future<Void> released = Future.succeededFuture();
      for (Map.Entry<Long, List<Long>> parents : parentsByProject.entrySet()) {
        released = released.compose(v -> releaseAfterParents(parents.getKey(), parents.getValue()));
      }
      return released.map(transitions);
    });
  }

  /**
   * Releases the dependents of parents that just completed, round after round while that
   * completes further parents (each round goes one step up an acyclic graph; the bound only
   * guards against a bug). A failure is logged, not answered: the completions it follows have
   * committed, and a client's retry of them would not run it again.
   */
  private Future<Void> releaseAfterParents(long projectId, List<Long> parents) {
    return releaseAfterParents(projectId, parents, 0).otherwise(failure -> {
      LOG.log(Level.SEVERE, "the dependents of completed parents " + parents + " of project " + projectId
          + " could not be released", failure);
      return null;
    });
  }

  private Future<Void> releaseAfterParents(long projectId, List<Long> parents, int round) {
    if (parents.isEmpty()) {
      return Future.succeededFuture();
    }
    if (round == MAX_PARENT_ROUNDS) {
      LOG.severe("parents " + parents + " of project " + projectId + " completed after " + MAX_PARENT_ROUNDS
          + " rounds of parents completing; their dependents were not released");
      return Future.succeededFuture();
    }
    return store.releaseAfterParents(parents).compose(release -> {
      if (release.released() > 0) {
        meters.released(projectId, release.released());
        signals.announce(projectId, null);
      }
      return releaseAfterParents(projectId, release.completedParents(), round + 1);
    });
  }

  private Future<List<Transition>> failAllIfLeaseHeld(List<AttemptFailure> items) {
    return store.failAllIfLeaseHeld(items, retry);
  }

  private ItemOutcome completionOutcome(long taskId, UUID leaseId, Transition transition) {
    if (transition.task().isEmpty()) {
      return new ItemOutcome(taskId, ItemOutcome.Kind.NOT_FOUND, Optional.empty());
    }
    Task task = transition.task().get();
    if (transition.applied()) {
      meters.completed(task.projectId(), task.type());
      if (transition.released() > 0) {
        meters.released(task.projectId(), transition.released());
        signals.announce(task.projectId(), null);
      }
      return new ItemOutcome(taskId, ItemOutcome.Kind.COMPLETED, transition.task());
    }
    boolean alreadyOurs = task.status() == TaskStatus.COMPLETED && leaseId.equals(task.leaseId());
    return new ItemOutcome(taskId, alreadyOurs ? ItemOutcome.Kind.COMPLETED : ItemOutcome.Kind.LEASE_CONFLICT, transition.task());
  }

  private ItemOutcome failureOutcome(long taskId, Transition transition) {
    if (transition.task().isEmpty()) {
      return new ItemOutcome(taskId, ItemOutcome.Kind.NOT_FOUND, Optional.empty());
    }
    Task task = transition.task().get();
    if (transition.applied()) {
      meters.failed(task.projectId(), task.type(), task.status() == TaskStatus.FAILED);
      cascaded(task.projectId(), transition.cascaded());
      if (task.status() == TaskStatus.PENDING) {
        meters.retried(task.projectId(), task.type());
        signals.announce(task.projectId(), dueLater(task.runAt()));
      }
      return new ItemOutcome(taskId, ItemOutcome.Kind.FAILED, transition.task());
    }
    return new ItemOutcome(taskId, ItemOutcome.Kind.LEASE_CONFLICT, transition.task());
  }

  /**
   * A guarded change that did not apply although the task, as the statement saw it, still held
   * this lease: a concurrent change (two requests with one lease, or a link made to the task,
   * TaskSql.DEPENDENTS_SEEN) committed after the statement's snapshot. Asking once more, with a
   * fresh snapshot, tells what really happened.
   */
  private static Future<Transition> recheckIfRaced(Future<Transition> first, UUID leaseId, Supplier<Future<Transition>> again) {
    return first.compose(transition -> sawOwnLiveLease(transition, leaseId) ? again.get() : Future.succeededFuture(transition));
  }

  /**
   * A change that did not apply to a task still claimed under this live lease: it raced (two
   * requests with one lease, or a link made to the task while it finished).
   */
  private static boolean sawOwnLiveLease(Transition transition, UUID leaseId) {
    return !transition.applied() && transition.task()
        .filter(t -> t.status() == TaskStatus.CLAIMED && leaseId.equals(t.leaseId()))
        .filter(t -> t.leaseExpiresAt() != null && t.leaseExpiresAt().isAfter(Instant.now()))
        .isPresent();
  }

  public Future<Task> cancel(long projectId, long taskId) {
    // A live task found unchanged raced with a link made to it (TaskSql.DEPENDENTS_SEEN): once more, afresh.
    return store.cancelIfUnfinished(projectId, taskId)
        .compose(first -> !first.applied() && first.task().filter(t -> isLive(t.status())).isPresent()
            ? store.cancelIfUnfinished(projectId, taskId) : Future.succeededFuture(first))
        .map(transition -> {
      Task task = transition.task().orElseThrow(() -> taskNotFound(taskId));
      cascaded(projectId, transition.cascaded());
      if (!transition.applied()) {
        throw new Conflict("task-finished", "task " + taskId + " is " + task.status().wireName()
            + "; only pending, claimed or blocked tasks can be cancelled");
      }
      return task;
    });
  }

  /** Cancels every live task matching the filters (null: any) in one statement; answers how many. */
  public Future<Integer> cancelMatching(long projectId, List<TaskStatus> statuses, String type, String externalIdPrefix) {
    return store.cancelMatching(projectId, statuses, type, externalIdPrefix).map(c -> {
      cascaded(projectId, c.cascaded());
      return c.cancelled();
    });
  }

  /** Cancels every live task of a workflow run (by its internal id) in one statement; answers how many. */
  public Future<Integer> cancelRun(long projectId, long runId) {
    return store.cancelRun(projectId, runId).map(c -> {
      cascaded(projectId, c.cascaded());
      return c.cancelled();
    });
  }

  private void cascaded(long projectId, int count) {
    if (count > 0) {
      meters.cascadeCancelled(projectId, count);
    }
  }

  /** A parent that completes with its children and whose children all completed meanwhile completes at once. */
  public Future<Task> retry(long projectId, long taskId) {
    return store.retryIfFinishedUnsuccessfully(projectId, taskId).compose(transition -> {
      Task task = transition.task().orElseThrow(() -> taskNotFound(taskId));
      if (!transition.applied()) {
        throw new Conflict("task-not-retryable", "task " + taskId + " is " + task.status().wireName()
            + "; only failed or cancelled tasks can be retried");
      }
      if (task.status() == TaskStatus.COMPLETED) {
        return releaseAfterParents(projectId, List.of(task.id())).map(task);
      }
      signals.announce(projectId, null);
      return Future.succeededFuture(task);
    });
  }

  /**
   * Changes fields of a pending or blocked task (409 otherwise, and for a max_attempts the attempts
   * made already reach). A change that changes nothing answers the task as it is. A pending task
   * with a new priority or run time is claimable in its new place at once; waiting claimers hear of it.
   */
  public Future<Task> update(long projectId, long taskId, TaskChanges changes) {
    return store.updateIfEditable(projectId, taskId, changes).map(transition -> {
      Task task = transition.task().orElseThrow(() -> taskNotFound(taskId));
      if (transition.applied()) {
        if (task.status() == TaskStatus.PENDING) {
          signals.announce(projectId, dueLater(task.runAt()));
        }
        return task;
      }
      if (task.status() != TaskStatus.PENDING && task.status() != TaskStatus.BLOCKED) {
        throw new Conflict("task-not-editable", "task " + taskId + " is " + task.status().wireName()
            + "; only pending or blocked tasks can be changed");
      }
      if (changes.maxAttempts() != null && changes.maxAttempts() <= task.attempts()) {
        throw new Conflict("attempts-spent", "task " + taskId + " has made " + task.attempts()
            + " attempts already; max_attempts must be at least " + (task.attempts() + 1));
      }
      return task;
    });
  }

  /** Returns lapsed leases to the queue; answers how many were swept. */
  public Future<Integer> sweepExpiredLeases(int batch) {
    return store.sweepExpiredLeases(batch).map(swept -> {
      swept.forEach(t -> meters.expired(t.projectId(), t.type()));
      swept.stream().filter(t -> t.status() == TaskStatus.PENDING).map(Task::projectId).distinct()
          .forEach(p -> signals.announce(p, null));
      return swept.size();
    });
  }

  private static NotFound taskNotFound(long taskId) {
    return new NotFound("task " + taskId + " not found");
  }
}
