package io.taskq.store.pg;

import io.taskq.queue.DuplicateStrategy;
import io.taskq.queue.LinkType;
import io.taskq.queue.NewTask;
import io.taskq.queue.Task;
import io.taskq.queue.TaskStatus;
import io.taskq.store.DependencyStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

public final class PgDependencyStore implements DependencyStore {

  private final Pool pool;

  public PgDependencyStore(Pool pool) {
    this.pool = pool;
  }

  /** Times a graph transaction that PostgreSQL chose as a deadlock's victim is run again before the request fails. */
  private static final int DEADLOCK_RETRIES = 2;

  /**
   * Runs the work in one transaction. A deadlock is possible in principle (a graph locks the
   * tasks it names in id order, while a completion locks its tasks, then their dependents): the
   * victim's transaction was rolled back whole, so it is simply run again.
   */
  @Override
  public <T> Future<T> inTransaction(Function<GraphWriter, Future<T>> work) {
    return inTransaction(work, DEADLOCK_RETRIES);
  }

  private <T> Future<T> inTransaction(Function<GraphWriter, Future<T>> work, int retriesLeft) {
    return pool.withTransaction(conn -> work.apply(new PgGraphWriter(conn)))
        .recover(failure -> retriesLeft > 0 && failure instanceof PgException pg && "40P01".equals(pg.getSqlState())
            ? inTransaction(work, retriesLeft - 1)
            : Future.failedFuture(PgErrors.translate(failure)));
  }

  private record PgGraphWriter(SqlConnection conn) implements GraphWriter {

    @Override
    public Future<Void> lockProjectTitles(long projectId) {
      return conn.preparedQuery(TaskSql.LOCK_PROJECT_TITLES).execute(Tuple.of(projectId)).mapEmpty();
    }

    @Override
    public Future<List<Found>> markPrerequisites(long projectId, List<Long> holdingIds, List<String> holdingExternalIds,
        List<Long> otherIds, List<String> otherExternalIds) {
      Tuple args = Tuple.tuple().addLong(projectId)
          .addArrayOfLong(holdingIds.toArray(Long[]::new)).addArrayOfString(holdingExternalIds.toArray(String[]::new))
          .addArrayOfLong(otherIds.toArray(Long[]::new)).addArrayOfString(otherExternalIds.toArray(String[]::new));
      return conn.preparedQuery(DependencySql.MARK_PREREQUISITES).execute(args).map(rows -> {
        List<Found> found = new ArrayList<>(rows.size());
        for (Row row : rows) {
          found.add(new Found(Rows.task(row), row.getBoolean("marked")));
        }
        return found;
      });
    }

    @Override
    public Future<Map<Integer, Task>> insertItems(long projectId, List<NewTask> tasks, List<ItemState> states,
        DuplicateStrategy strategy) {
      return conn.preparedQuery(PgTaskStore.insertAllStatement(strategy, tasks))
          .execute(PgTaskStore.bulkArguments(projectId, tasks, states))
          .map(rows -> {
            Map<Integer, Task> created = new HashMap<>();
            for (Row row : rows) {
              created.put(row.getInteger("ord"), Rows.task(row));
            }
            return created;
          });
    }

    @Override
    public Future<List<Task>> findCollisions(long projectId, List<NewTask> skipped, DuplicateStrategy strategy) {
      return PgTaskStore.findCollisions(conn, projectId, skipped, Map.of(), strategy);
    }

    @Override
    public Future<List<Task>> recount(List<Long> taskIds, List<Integer> unmet) {
      return conn.preparedQuery(DependencySql.RECOUNT)
          .execute(Tuple.tuple().addArrayOfLong(taskIds.toArray(Long[]::new)).addArrayOfInteger(unmet.toArray(Integer[]::new)))
          .map(PgTaskStore::tasks);
    }

    @Override
    public Future<Optional<Long>> startRun(long projectId, long workflowId, String runId, JsonObject params,
        java.time.Instant scheduledFor) {
      Tuple args = Tuple.tuple().addLong(projectId).addLong(workflowId).addString(runId).addString(params.encode())
          .addOffsetDateTime(scheduledFor == null ? null : scheduledFor.atOffset(java.time.ZoneOffset.UTC));
      return conn.preparedQuery(RunSql.INSERT_RUN).execute(args)
          .map(rows -> rows.size() == 0 ? Optional.<Long>empty() : Optional.of(rows.iterator().next().getLong("id")));
    }

    @Override
    public Future<Void> link(List<Long> dependents, List<Long> prerequisites, List<LinkType> types) {
      if (dependents.isEmpty()) {
        return Future.succeededFuture();
      }
      return conn.preparedQuery(DependencySql.LINK)
          .execute(Tuple.tuple().addArrayOfLong(dependents.toArray(Long[]::new)).addArrayOfLong(prerequisites.toArray(Long[]::new))
              .addArrayOfString(types.stream().map(LinkType::wireName).toArray(String[]::new)))
          .mapEmpty();
    }

    @Override
    public Future<Void> lockEventKeys(long projectId, List<String> keys) {
      return conn.preparedQuery(EventSql.LOCK_KEYS)
          .execute(Tuple.tuple().addLong(projectId).addArrayOfString(keys.toArray(String[]::new))).mapEmpty();
    }

    @Override
    public Future<Map<String, Object>> findArrivedEvents(long projectId, List<String> keys) {
      return conn.preparedQuery(EventSql.FIND_ARRIVED)
          .execute(Tuple.tuple().addLong(projectId).addArrayOfString(keys.toArray(String[]::new)))
          .map(rows -> {
            Map<String, Object> payloads = new HashMap<>();
            for (Row row : rows) {
              payloads.put(row.getString("key"), Rows.json(row.getValue("payload")));
            }
            return payloads;
          });
    }

    @Override
    public Future<List<Long>> countChildren(List<Long> parentIds, List<Integer> counts) {
      return conn.preparedQuery(DependencySql.COUNT_CHILDREN)
          .execute(Tuple.tuple().addArrayOfLong(parentIds.toArray(Long[]::new)).addArrayOfInteger(counts.toArray(Integer[]::new)))
          .map(rows -> {
            List<Long> counted = new ArrayList<>(rows.size());
            rows.forEach(row -> counted.add(row.getLong("id")));
            return counted;
          });
    }

    @Override
    public Future<Void> waitOnEvents(long projectId, List<Long> taskIds, List<String> keys) {
      if (taskIds.isEmpty()) {
        return Future.succeededFuture();
      }
      return conn.preparedQuery(EventSql.WAIT)
          .execute(Tuple.tuple().addLong(projectId).addArrayOfLong(taskIds.toArray(Long[]::new))
              .addArrayOfString(keys.toArray(String[]::new)))
          .mapEmpty();
    }

    @Override
    public Future<Map<Long, Set<Long>>> waitsOn(List<Long> starts, List<Long> targets) {
      return conn.preparedQuery(DependencySql.WAITS_ON)
          .execute(Tuple.tuple().addArrayOfLong(starts.toArray(Long[]::new)).addArrayOfLong(targets.toArray(Long[]::new)))
          .map(rows -> {
            Map<Long, Set<Long>> reached = new HashMap<>();
            rows.forEach(row -> reached.computeIfAbsent(row.getLong("start"), k -> new java.util.HashSet<>()).add(row.getLong("id")));
            return reached;
          });
    }

    @Override
    public Future<List<Task>> adopt(List<Long> childIds, List<Long> parentIds, List<Boolean> childLinked) {
      return conn.preparedQuery(DependencySql.ADOPT)
          .execute(Tuple.tuple().addArrayOfLong(childIds.toArray(Long[]::new)).addArrayOfLong(parentIds.toArray(Long[]::new))
              .addArrayOfBoolean(childLinked.toArray(Boolean[]::new)))
          .map(PgTaskStore::tasks);
    }
  }

  @Override
  public Future<Optional<List<Task>>> childrenOf(long projectId, long taskId, boolean recursive, long after, int limit) {
    return pool.preparedQuery(recursive ? DependencySql.SUBTREE : DependencySql.CHILDREN)
        .execute(Tuple.of(projectId, taskId, after, limit))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.<List<Task>>empty();
          }
          List<Task> children = new ArrayList<>(rows.size());
          for (Row row : rows) {
            if (row.getLong("id") != null) {
              children.add(Rows.task(row));
            }
          }
          return Optional.of(children);
        })
        .recover(PgErrors.translate());
  }

  @Override
  public Future<Optional<List<Link>>> prerequisitesOf(long projectId, long taskId, long after, int limit) {
    return page(DependencySql.PREREQUISITES, projectId, taskId, after, limit);
  }

  @Override
  public Future<Optional<List<Link>>> dependentsOf(long projectId, long taskId, long after, int limit) {
    return page(DependencySql.DEPENDENTS, projectId, taskId, after, limit);
  }

  private Future<Optional<List<Link>>> page(String sql, long projectId, long taskId, long after, int limit) {
    return pool.preparedQuery(sql).execute(Tuple.of(projectId, taskId, after, limit))
        .map(PgDependencyStore::links)
        .recover(PgErrors.translate());
  }

  private static Optional<List<Link>> links(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    List<Link> links = new ArrayList<>(rows.size());
    for (Row row : rows) {
      if (row.getLong("task_id") != null) {
        links.add(new Link(row.getLong("task_id"), row.getString("external_id"), row.getString("type"),
            TaskStatus.of(row.getString("status")), LinkType.ofStored(row.getString("link_type")).orElseThrow(),
            row.getOffsetDateTime("linked_at").toInstant()));
      }
    }
    return Optional.of(links);
  }

  @Override
  public Future<Optional<Unlinking>> unlink(long projectId, long taskId, long prerequisiteId) {
    return pool.preparedQuery(DependencySql.UNLINK).execute(Tuple.of(projectId, taskId, prerequisiteId))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.<Unlinking>empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new Unlinking(row.getBoolean("removed"), row.getBoolean("released"), Rows.task(row)));
        })
        .recover(PgErrors.translate());
  }
}
