package io.taskq.store.pg;

import io.taskq.config.RetryPolicy;
import io.taskq.db.PlannerSettings;
import io.taskq.coalesce.Isolation;
import io.taskq.error.Invalid;
import io.taskq.error.Unavailable;
import io.taskq.queue.Attempt;
import io.taskq.queue.ClaimRequest;
import io.taskq.queue.LogFilter;
import io.taskq.queue.Completion;
import io.taskq.queue.AttemptFailure;
import io.taskq.queue.DuplicateStrategy;
import io.taskq.queue.NewTask;
import io.taskq.queue.Task;
import io.taskq.queue.RankedTask;
import io.taskq.queue.TaskFilter;
import io.taskq.queue.TaskSearch;
import io.taskq.queue.TaskLog;
import io.taskq.queue.TaskStatus;
import io.taskq.store.DependencyStore;
import io.taskq.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

public final class PgTaskStore implements TaskStore {

  /** Statements the search for refused tasks of a bulk may run. */
  private static final int PROBE_STATEMENTS = 100;

  private final Pool pool;
  private final ClaimedWithDependents claimedWithDependents = new ClaimedWithDependents();

  public PgTaskStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Insertion> insertIfAbsent(long projectId, NewTask t) {
    return insertIfAbsent(projectId, t, 3);
  }

  private Future<Insertion> insertIfAbsent(long projectId, NewTask t, int triesLeft) {
    Tuple args = Tuple.tuple()
        .addLong(projectId).addString(t.type()).addString(t.typeVersion())
        .addString(t.title()).addString(t.description()).addString(t.params().encode())
        .addInteger(t.priority()).addString(t.externalId()).addString(t.milestoneId())
        .addString(t.dedupeKey()).addOffsetDateTime(t.runAt() == null ? null : t.runAt().atOffset(ZoneOffset.UTC))
        .addInteger(t.maxAttempts()).addInteger(t.leaseSeconds())
        .addString(t.metadata() == null ? null : t.metadata().encode());
    return pool.preparedQuery(TaskSql.INSERT).execute(args)
        .compose(rows -> {
          if (rows.size() > 0) {
            Row row = rows.iterator().next();
            return Future.succeededFuture(new Insertion(Rows.task(row), row.getBoolean("applied")));
          }
          // The task we collided with was committed after our snapshot: look again, afresh.
          return pool.preparedQuery(TaskSql.FIND_BY_IDENTITY)
              .execute(Tuple.of(projectId, t.externalId(), t.dedupeKey()))
              .compose(found -> found.size() > 0
                  ? Future.succeededFuture(new Insertion(Rows.task(found.iterator().next()), false))
                  // It vanished again (finished between the two statements): try again, a few times.
                  : triesLeft > 1 ? insertIfAbsent(projectId, t, triesLeft - 1)
                  : Future.failedFuture(new Unavailable("the task's identity kept changing hands; retry the request")));
        })
        .recover(PgErrors.translate());
  }

  /**
   * The common case, every task new, costs one statement and one commit for the lot. A task
   * that collided (an external id or live dedupe key taken, possibly by another task of the
   * same batch) goes through {@link #insertIfAbsent} alone, which answers the task holding its
   * identity. The answer completes once every task has its own, so that the coalescer counts
   * the single-row statements against its statements in flight. A failed statement fails the
   * answer whole: after a refusal of the content nothing was written and the coalescer splits
   * the batch; after a connection failure the statement may have committed, and inserting
   * again could duplicate tasks that have no external id (commit 98a8889).
   */
  @Override
  public Future<List<Future<Insertion>>> insertEachIfAbsent(long projectId, List<NewTask> tasks) {
    if (tasks.size() == 1) {
      Future<Insertion> alone = insertIfAbsent(projectId, tasks.get(0));
      return alone.map(inserted -> List.of(alone));
    }
    return pool.preparedQuery(insertAllStatement(tasks)).execute(bulkArguments(projectId, tasks))
        .recover(PgErrors.translate())
        .compose(rows -> {
          Task[] created = new Task[tasks.size()];
          for (Row row : rows) {
            created[row.getInteger("ord")] = Rows.task(row);
          }
          List<Future<Insertion>> answers = new ArrayList<>(tasks.size());
          for (int i = 0; i < tasks.size(); i++) {
            answers.add(created[i] != null ? Future.succeededFuture(new Insertion(created[i], true))
                : insertIfAbsent(projectId, tasks.get(i)));
          }
          return Future.join(answers).transform(all -> Future.succeededFuture(answers));
        });
  }

  @Override
  public Future<BulkInsertion> insertAllIfAbsent(long projectId, List<NewTask> tasks, DuplicateStrategy strategy) {
    return pool.withTransaction(conn -> lockTitlesIfChecked(conn, projectId, strategy)
            .compose(v -> conn.preparedQuery(insertAllStatement(strategy, tasks)).execute(bulkArguments(projectId, tasks)))
            .compose(rows -> {
              Map<Integer, Task> created = new HashMap<>();
              for (Row row : rows) {
                created.put(row.getInteger("ord"), Rows.task(row));
              }
              if (created.size() == tasks.size()) {
                return Future.succeededFuture(new BulkInsertion(created, List.of()));
              }
              return findCollisions(conn, projectId, tasks, created, strategy)
                  .map(existing -> new BulkInsertion(created, existing));
            }))
        .recover(PgErrors.translate());
  }

  /**
   * Runs the insert on parts of the list inside one transaction that is always rolled back, each
   * part under a savepoint rolled back too, splitting refused parts in halves down to the refused
   * tasks ({@link Isolation}): nothing is stored, and a refused list of n tasks with one bad task
   * costs about 2 log2(n) statements (27 for 10,000). Only the failure path of a bulk insert comes
   * here; a budget of statements bounds what a bulk of many bad tasks can make it cost (2n - 1
   * statements for n bad tasks), so it names the first bad tasks, not necessarily all.
   */
  @Override
  public Future<Map<Integer, Invalid>> findRefusedInsertions(long projectId, List<NewTask> tasks) {
    List<Integer> items = new ArrayList<>(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      items.add(i);
    }
    int[] budget = {PROBE_STATEMENTS};
    return pool.getConnection().compose(conn -> conn.begin().compose(tx -> {
      Isolation<Integer, Void> search = new Isolation<>(part -> --budget[0] < 0
          ? Future.failedFuture(new IllegalStateException("the search's statements are spent")) // not a refusal: no split
          : insertAndUndo(conn, projectId, part.stream().map(tasks::get).toList()), TaskStore::refusedForContent);
      return search.run(items).map(results -> {
        Map<Integer, Invalid> refused = new TreeMap<>();
        for (int i = 0; i < results.size(); i++) {
          if (results.get(i).cause() instanceof Invalid invalid) {
            refused.put(i, invalid);
          }
        }
        return refused;
      }).eventually(tx::rollback);
    }).eventually(conn::close));
  }

  /** Inserts the tasks under a savepoint and rolls back to it: whether the database takes them, leaving nothing behind. */
  private static Future<List<Void>> insertAndUndo(SqlConnection conn, long projectId, List<NewTask> tasks) {
    return conn.query(TaskSql.PROBE_SAVEPOINT).execute()
        .compose(v -> conn.preparedQuery(TaskSql.INSERT_ALL).execute(bulkArguments(projectId, tasks)))
        .transform(inserted -> conn.query(TaskSql.PROBE_ROLLBACK).execute().transform(v -> inserted.failed()
            ? Future.failedFuture(PgErrors.translate(inserted.cause()))
            : Future.succeededFuture(Collections.nCopies(tasks.size(), null))));
  }

  static Future<Void> lockTitlesIfChecked(SqlConnection conn, long projectId, DuplicateStrategy strategy) {
    if (strategy != DuplicateStrategy.TITLE && strategy != DuplicateStrategy.TITLE_AND_MILESTONE) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(TaskSql.LOCK_PROJECT_TITLES).execute(Tuple.of(projectId)).mapEmpty();
  }

  static String insertAllStatement(DuplicateStrategy strategy, List<NewTask> tasks) {
    return switch (strategy) {
      case TITLE -> TaskSql.INSERT_ALL_UNLESS_TITLE_EXISTS;
      case TITLE_AND_MILESTONE -> TaskSql.INSERT_ALL_UNLESS_TITLE_AND_MILESTONE_EXIST;
      case EXTERNAL_ID, NONE -> insertAllStatement(tasks);
    };
  }

  /** {@link TaskSql#INSERT_ALL}, or its form without conflict handling when no task has an identity that could collide. */
  static String insertAllStatement(List<NewTask> tasks) {
    for (NewTask t : tasks) {
      if (t.externalId() != null || t.dedupeKey() != null) {
        return TaskSql.INSERT_ALL;
      }
    }
    return TaskSql.INSERT_ALL_WITHOUT_IDENTITIES;
  }

  static Tuple bulkArguments(long projectId, List<NewTask> tasks) {
    return bulkArguments(projectId, tasks, null);
  }

  /** The arguments of TaskSql.INSERT_ALL; {@code states} null: plain tasks (pending, unlinked), whose graph arrays are null. */
  static Tuple bulkArguments(long projectId, List<NewTask> tasks, List<DependencyStore.ItemState> states) {
    int n = tasks.size();
    String[] status = null;
    Integer[] unmet = null;
    Boolean[] hasDependents = null;
    String[] eventPayloads = null;
    Long[] parentId = null;
    Boolean[] completeWhenChildrenDone = null;
    Long[] workflowRunId = null;
    Integer[] parentOrd = null;
    if (states != null) {
      status = new String[n];
      unmet = new Integer[n];
      hasDependents = new Boolean[n];
      eventPayloads = new String[n];
      parentId = new Long[n];
      completeWhenChildrenDone = new Boolean[n];
      workflowRunId = new Long[n];
      parentOrd = new Integer[n];
      for (int i = 0; i < n; i++) {
        DependencyStore.ItemState state = states.get(i);
        unmet[i] = state.unmet();
        status[i] = state.blocked() ? TaskStatus.BLOCKED.wireName() : TaskStatus.PENDING.wireName();
        hasDependents[i] = state.hasDependents();
        eventPayloads[i] = state.eventPayloads() == null ? null : state.eventPayloads().encode();
        parentId[i] = state.parentId();
        completeWhenChildrenDone[i] = state.completeWhenChildrenDone();
        workflowRunId[i] = state.workflowRunId();
        parentOrd[i] = state.parentOrd();
      }
    }
    Integer[] ord = new Integer[n];
    String[] type = new String[n];
    String[] typeVersion = new String[n];
    String[] title = new String[n];
    String[] description = new String[n];
    String[] params = new String[n];
    Integer[] priority = new Integer[n];
    String[] externalId = new String[n];
    String[] milestoneId = new String[n];
    String[] dedupeKey = new String[n];
    String[] runAt = new String[n];
    Integer[] maxAttempts = new Integer[n];
    Integer[] leaseSeconds = new Integer[n];
    String[] metadata = new String[n];
    for (int i = 0; i < n; i++) {
      NewTask t = tasks.get(i);
      ord[i] = i;
      type[i] = t.type();
      typeVersion[i] = t.typeVersion();
      title[i] = t.title();
      description[i] = t.description();
      params[i] = t.params().encode();
      priority[i] = t.priority();
      externalId[i] = t.externalId();
      milestoneId[i] = t.milestoneId();
      dedupeKey[i] = t.dedupeKey();
      runAt[i] = t.runAt() == null ? null : t.runAt().toString();
      maxAttempts[i] = t.maxAttempts();
      leaseSeconds[i] = t.leaseSeconds();
      metadata[i] = t.metadata() == null ? null : t.metadata().encode();
    }
    return Tuple.tuple().addLong(projectId)
        .addArrayOfInteger(ord).addArrayOfString(type).addArrayOfString(typeVersion)
        .addArrayOfString(title).addArrayOfString(description).addArrayOfString(params)
        .addArrayOfInteger(priority).addArrayOfString(externalId).addArrayOfString(milestoneId)
        .addArrayOfString(dedupeKey).addArrayOfString(runAt).addArrayOfInteger(maxAttempts)
        .addArrayOfInteger(leaseSeconds).addArrayOfString(status).addArrayOfInteger(unmet).addArrayOfBoolean(hasDependents)
        .addArrayOfString(eventPayloads).addArrayOfLong(parentId).addArrayOfBoolean(completeWhenChildrenDone)
        .addArrayOfLong(workflowRunId).addArrayOfInteger(parentOrd).addArrayOfString(metadata);
  }

  static Future<List<Task>> findCollisions(
      SqlConnection conn, long projectId, List<NewTask> tasks, Map<Integer, Task> created, DuplicateStrategy strategy) {
    List<String> externalIds = new ArrayList<>();
    List<String> dedupeKeys = new ArrayList<>();
    List<String> titles = new ArrayList<>();
    boolean titlesMatter = strategy == DuplicateStrategy.TITLE || strategy == DuplicateStrategy.TITLE_AND_MILESTONE;
    for (int i = 0; i < tasks.size(); i++) {
      if (created.containsKey(i)) {
        continue;
      }
      NewTask t = tasks.get(i);
      if (t.externalId() != null) {
        externalIds.add(t.externalId());
      }
      if (t.dedupeKey() != null) {
        dedupeKeys.add(t.dedupeKey());
      }
      if (titlesMatter && t.title() != null) {
        titles.add(t.title().toLowerCase(Locale.ROOT));
      }
    }
    return conn.preparedQuery(TaskSql.FIND_COLLISIONS)
        .execute(Tuple.of(projectId, externalIds.toArray(String[]::new), dedupeKeys.toArray(String[]::new),
            titles.toArray(String[]::new)))
        .map(PgTaskStore::tasks);
  }

  @Override
  public Future<Optional<Task>> find(long projectId, long taskId) {
    return pool.preparedQuery(TaskSql.FIND).execute(Tuple.of(projectId, taskId))
        .map(rows -> rows.size() == 0 ? Optional.<Task>empty() : Optional.of(Rows.task(rows.iterator().next())))
        .recover(PgErrors.translate());
  }

  @Override
  public Future<List<Task>> list(long projectId, TaskFilter f) {
    Tuple args = listingArgs(projectId, f, f.after());
    String sql = TaskSql.LIST;
    if (hasMetadataFilter(f)) {
      sql = TaskSql.LIST_BY_METADATA;
      args.addString(f.metadata().encode());
    }
    return PlannerSettings.withDefaultPlanning(pool, sql, args).map(PgTaskStore::tasks).recover(PgErrors.translate());
  }

  @Override
  public Future<List<RankedTask>> search(long projectId, TaskFilter f, TaskSearch search) {
    TaskSearch.Position after = search.after();
    Tuple args = listingArgs(projectId, f, search.text())
        .addValue(after == null ? null : after.rank()).addValue(after == null ? null : after.id()).addLong(f.after());
    String sql = TaskSql.SEARCH;
    if (hasMetadataFilter(f)) {
      sql = TaskSql.SEARCH_BY_METADATA;
      args.addString(f.metadata().encode());
    }
    return PlannerSettings.withCustomPlanQuietly(pool, sql, args)
        .map(rows -> {
          List<RankedTask> found = new ArrayList<>(rows.size());
          for (Row row : rows) {
            found.add(new RankedTask(Rows.task(row), row.getFloat("search_rank")));
          }
          return found;
        })
        .recover(PgErrors.translate());
  }

  private static boolean hasMetadataFilter(TaskFilter f) {
    return f.metadata() != null && !f.metadata().isEmpty();
  }

  /** The parameters of {@link TaskSql#LIST} and {@link TaskSql#SEARCH}, which differ only in $2 and past $12. */
  private static Tuple listingArgs(long projectId, TaskFilter f, Object second) {
    return Tuple.tuple().addLong(projectId).addValue(second)
        .addString(f.status() == null ? null : f.status().wireName())
        .addString(f.type()).addString(f.externalId()).addString(f.workerId()).addInteger(f.limit()).addLong(f.parentId())
        .addString(f.runId()).addOffsetDateTime(utc(f.createdAfter())).addOffsetDateTime(utc(f.createdBefore()))
        .addInteger(f.priorityMin());
  }

  @Override
  public Future<Optional<List<TaskLog>>> logs(long projectId, long taskId, long after, int limit) {
    return pool.preparedQuery(TaskSql.LOGS).execute(Tuple.of(projectId, taskId, after, limit))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.<List<TaskLog>>empty();
          }
          List<TaskLog> logs = new ArrayList<>(rows.size());
          for (Row row : rows) {
            if (row.getLong("id") != null) {
              logs.add(Rows.taskLog(row));
            }
          }
          return Optional.of(logs);
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Optional<List<Attempt>>> attempts(long projectId, long taskId, int after, int limit) {
    return pool.preparedQuery(TaskSql.ATTEMPTS).execute(Tuple.of(projectId, taskId, after, limit))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.<List<Attempt>>empty();
          }
          List<Attempt> attempts = new ArrayList<>(rows.size());
          for (Row row : rows) {
            if (row.getLong("attempt") != null) {
              attempts.add(Rows.attempt(row));
            }
          }
          return Optional.of(attempts);
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<List<TaskLog>> projectLogs(long projectId, LogFilter f) {
    Tuple args = Tuple.tuple().addLong(projectId).addString(f.event()).addString(f.workerId()).addLong(f.taskId())
        .addOffsetDateTime(utc(f.since())).addOffsetDateTime(utc(f.until())).addOffsetDateTime(utc(f.beforeAt()))
        .addLong(f.beforeId()).addInteger(f.limit());
    return PlannerSettings.withDefaultPlanning(pool, TaskSql.PROJECT_LOGS, args)
        .map(rows -> {
          List<TaskLog> logs = new ArrayList<>(rows.size());
          for (Row row : rows) {
            logs.add(Rows.taskLog(row));
          }
          return logs;
        })
        .recover(PgErrors.translate());
  }

  private static java.time.OffsetDateTime utc(java.time.Instant instant) {
    return instant == null ? null : instant.atOffset(java.time.ZoneOffset.UTC);
  }

  @Override
  public Future<List<List<Task>>> claimAvailable(long projectId, List<String> types, List<ClaimRequest> requests) {
    int slots = requests.stream().mapToInt(ClaimRequest::limit).sum();
    String[] workers = new String[slots];
    Integer[] leases = new Integer[slots];
    int[] owner = new int[slots];
    int slot = 0;
    for (int r = 0; r < requests.size(); r++) {
      ClaimRequest request = requests.get(r);
      for (int i = 0; i < request.limit(); i++, slot++) {
        workers[slot] = request.workerId();
        leases[slot] = request.leaseSeconds();
        owner[slot] = r;
      }
    }
    Tuple args = Tuple.tuple().addLong(projectId).addArrayOfString(types.toArray(String[]::new))
        .addArrayOfString(workers).addArrayOfInteger(leases);
    return pool.preparedQuery(TaskSql.CLAIM).execute(args)
        .map(rows -> {
          List<List<Task>> claimed = new ArrayList<>(requests.size());
          for (int r = 0; r < requests.size(); r++) {
            claimed.add(new ArrayList<>());
          }
          for (Row row : rows) {
            Task task = Rows.task(row);
            if (row.getBoolean("has_dependents")) {
              claimedWithDependents.claimed(task.id());
            }
            claimed.get(owner[row.getLong("slot").intValue() - 1]).add(task);
          }
          return claimed;
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Transition> heartbeatIfLeaseHeld(long projectId, long taskId, UUID leaseId, Integer leaseSeconds) {
    Tuple args = Tuple.tuple().addLong(projectId).addLong(taskId).addUUID(leaseId).addInteger(leaseSeconds);
    return guardedChange(TaskSql.HEARTBEAT, args);
  }

  /**
   * A batch none of whose tasks this instance knows to have dependents goes through
   * {@link TaskSql#COMPLETE_ALL_WITHOUT_DEPENDENTS}, which costs PostgreSQL less, and the
   * completions it refuses whose task it still found claimed under their lease (refused for
   * dependents, perhaps linked while it waited) then through {@link TaskSql#COMPLETE_ALL}; a batch
   * with one task known at its claim to have dependents goes through COMPLETE_ALL whole, in one
   * statement, as a workflow's completions nearly all do. Each completion is answered by the
   * statement that applied it, or by the last that refused it.
   */
  @Override
  public Future<List<Transition>> completeAllIfLeaseHeld(List<Completion> completions) {
    boolean someHaveDependents = false;
    for (Completion c : completions) {
      someHaveDependents |= claimedWithDependents.forget(c.taskId());
    }
    if (someHaveDependents) {
      return batchChange(TaskSql.COMPLETE_ALL, completionArgs(completions), completions.size());
    }
    return batchChange(TaskSql.COMPLETE_ALL_WITHOUT_DEPENDENTS, completionArgs(completions), completions.size())
        .compose(answers -> {
          List<Integer> again = new ArrayList<>();
          for (int i = 0; i < answers.size(); i++) {
            if (stillHeld(answers.get(i), completions.get(i))) {
              again.add(i);
            }
          }
          if (again.isEmpty()) {
            return Future.succeededFuture(answers);
          }
          List<Completion> retried = again.stream().map(completions::get).toList();
          return batchChange(TaskSql.COMPLETE_ALL, completionArgs(retried), retried.size()).map(redone -> {
            for (int i = 0; i < again.size(); i++) {
              answers.set(again.get(i), redone.get(i));
            }
            return answers;
          });
        });
  }

  /** A completion refused although its task, as the statement found it, was claimed under its lease. */
  private static boolean stillHeld(Transition refused, Completion completion) {
    return !refused.applied() && refused.task()
        .filter(t -> t.status() == TaskStatus.CLAIMED && completion.leaseId().equals(t.leaseId()))
        .isPresent();
  }

  /** The parameters of a completing statement. */
  private static Tuple completionArgs(List<Completion> completions) {
    int n = completions.size();
    Long[] projects = new Long[n];
    Long[] ids = new Long[n];
    UUID[] leases = new UUID[n];
    String[] results = new String[n];
    for (int i = 0; i < n; i++) {
      Completion c = completions.get(i);
      projects[i] = c.projectId();
      ids[i] = c.taskId();
      leases[i] = c.leaseId();
      results[i] = c.result() == null ? null : Json.encode(c.result());
    }
    return Tuple.tuple().addArrayOfLong(projects).addArrayOfLong(ids).addArrayOfUUID(leases).addArrayOfString(results);
  }

  @Override
  public Future<List<Transition>> failAllIfLeaseHeld(List<AttemptFailure> failures, RetryPolicy retry) {
    int n = failures.size();
    Long[] projects = new Long[n];
    Long[] ids = new Long[n];
    UUID[] leases = new UUID[n];
    String[] errors = new String[n];
    Boolean[] retryable = new Boolean[n];
    for (int i = 0; i < n; i++) {
      AttemptFailure f = failures.get(i);
      projects[i] = f.projectId();
      ids[i] = f.taskId();
      leases[i] = f.leaseId();
      errors[i] = f.error();
      retryable[i] = f.retryable();
    }
    Tuple args = Tuple.tuple().addArrayOfLong(projects).addArrayOfLong(ids).addArrayOfUUID(leases)
        .addArrayOfString(errors).addArrayOfBoolean(retryable)
        .addDouble(retry.baseSeconds()).addDouble(retry.capSeconds()).addDouble(retry.jitter());
    return batchChange(TaskSql.FAIL_ALL, args, n);
  }

  /** Runs a batch statement and lays its rows out as one transition per item (no row: no such task). */
  private Future<List<Transition>> batchChange(String sql, Tuple args, int items) {
    return pool.preparedQuery(sql).execute(args)
        .map(rows -> {
          List<Transition> transitions = new ArrayList<>(items);
          for (int i = 0; i < items; i++) {
            transitions.add(new Transition(false, Optional.empty()));
          }
          for (Row row : rows) {
            transitions.set(row.getLong("ord").intValue() - 1,
                new Transition(row.getBoolean("applied"), Optional.of(Rows.task(row)), count(row, "released"), count(row, "cascaded"),
                    ids(row, "completed_parents")));
          }
          return transitions;
        })
        .recover(PgErrors.translate());
  }

  /** An id array column some statements answer; empty where the statement has none, or it is null. */
  private static List<Long> ids(Row row, String column) {
    if (row.getColumnIndex(column) < 0 || row.getArrayOfLongs(column) == null) {
      return List.of();
    }
    return List.of(row.getArrayOfLongs(column));
  }

  @Override
  public Future<ParentRelease> releaseAfterParents(List<Long> parentIds) {
    return pool.preparedQuery(TaskSql.RELEASE_AFTER_PARENTS).execute(Tuple.tuple().addArrayOfLong(parentIds.toArray(Long[]::new)))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new ParentRelease(count(row, "released"), ids(row, "completed_parents"));
        })
        .recover(PgErrors.translate());
  }

  /** A count column some statements answer; 0 where the statement has none. */
  private static int count(Row row, String column) {
    return row.getColumnIndex(column) < 0 ? 0 : row.getLong(column).intValue();
  }

  @Override
  public Future<Transition> cancelIfUnfinished(long projectId, long taskId) {
    return guardedChange(TaskSql.CANCEL, Tuple.of(projectId, taskId));
  }

  @Override
  public Future<Cancellation> cancelMatching(long projectId, List<TaskStatus> statuses, String type, String externalIdPrefix) {
    Tuple args = Tuple.tuple().addLong(projectId)
        .addArrayOfString(statuses.stream().map(TaskStatus::wireName).toArray(String[]::new))
        .addString(type).addString(externalIdPrefix);
    return PlannerSettings.withDefaultPlanning(pool, TaskSql.CANCEL_MATCHING, args)
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Cancellation(count(row, "cancelled"), count(row, "cascaded"));
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Cancellation> cancelRun(long projectId, long runId) {
    return pool.preparedQuery(TaskSql.CANCEL_RUN).execute(Tuple.of(projectId, runId))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Cancellation(count(row, "cancelled"), count(row, "cascaded"));
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Transition> retryIfFinishedUnsuccessfully(long projectId, long taskId) {
    return guardedChange(TaskSql.RETRY, Tuple.of(projectId, taskId));
  }

  @Override
  public Future<Transition> updateIfEditable(long projectId, long taskId, io.taskq.queue.TaskChanges c) {
    Tuple args = Tuple.tuple().addLong(projectId).addLong(taskId).addArrayOfString(c.given().toArray(String[]::new))
        .addInteger(c.priority()).addOffsetDateTime(c.runAt() == null ? null : c.runAt().atOffset(ZoneOffset.UTC))
        .addString(c.title()).addString(c.description())
        .addString(c.metadata() == null ? null : c.metadata().encode()).addInteger(c.maxAttempts());
    return guardedChange(TaskSql.UPDATE_EDITABLE, args);
  }

  private Future<Transition> guardedChange(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args)
        .map(rows -> {
          if (rows.size() == 0) {
            return new Transition(false, Optional.<Task>empty());
          }
          Row row = rows.iterator().next();
          return new Transition(row.getBoolean("applied"), Optional.of(Rows.task(row)), 0, count(row, "cascaded"));
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<List<Task>> sweepExpiredLeases(int limit) {
    return PlannerSettings.withDefaultPlanning(pool, TaskSql.SWEEP_EXPIRED_LEASES, Tuple.of(limit))
        .map(PgTaskStore::tasks).recover(PgErrors.translate());
  }

  static List<Task> tasks(RowSet<Row> rows) {
    List<Task> tasks = new ArrayList<>(rows.size());
    for (Row row : rows) {
      tasks.add(Rows.task(row));
    }
    return tasks;
  }
}
