package io.taskq.reliability;

import io.taskq.db.DatabaseTarget;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every write a client saw acknowledged (a 201 create, a 200 claim, complete or fail), and the
 * check that the database holds each of them, with every task's log a valid history.
 */
final class Ledger {

  record Claim(long taskId, String lease, int attempt) {
  }

  record Completion(long taskId, String lease) {
  }

  record Failure(long taskId, String lease, int attempt) {
  }

  /** A task as stored, with its log replayed. */
  record Stored(long id, String externalId, String status, int attempts, String lease, String error,
      TaskHistory.Outcome history, Map<String, Integer> claimAttemptByLease) {
  }

  final Map<String, Long> created = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<Claim> claims = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();

  /** What the check found; {@code lost} and {@code duplicated} list each finding. */
  record Check(Map<String, Stored> byExternalId, List<String> lost, List<String> duplicated, List<String> invalidLogs,
      int logEntries) {

    /**
     * Every task n-0 .. n-(tasks-1) that did not end as its script says: missing, in the other
     * end state, or completed before the attempt its script completes on. One line per task.
     */
    List<String> wrongEndStates(long seed, int tasks) {
      List<String> wrong = new ArrayList<>();
      for (int n = 0; n < tasks; n++) {
        TaskScript script = TaskScript.of(seed, n);
        Stored stored = byExternalId.get("n-" + n);
        String expected = script.completes() ? "completed" : "failed";
        String why = null;
        if (stored == null) {
          why = "missing";
        } else if (!stored.status().equals(expected)) {
          why = stored.status() + " after " + stored.attempts() + " attempts (" + stored.error() + ")";
        } else if (script.completes() && stored.attempts() < script.firstCompletingAttempt()) {
          why = "completed on attempt " + stored.attempts();
        }
        if (why != null) {
          wrong.add("task n-" + n + " " + script + " should be " + expected + ": " + why);
        }
      }
      return wrong;
    }
  }

  Check check(DatabaseTarget db, long projectId) throws SQLException {
    Map<Long, List<TaskHistory.Entry>> logs = new HashMap<>();
    Map<String, Stored> byExternalId = new HashMap<>();
    Map<Long, Stored> byId = new HashMap<>();
    List<String> lost = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    int entries = 0;
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
      try (PreparedStatement s = c.prepareStatement("""
          SELECT l.task_id, l.id, l.event, l.metadata::text FROM task_logs l JOIN tasks t ON t.id = l.task_id
           WHERE t.project_id = ? ORDER BY l.task_id, l.id""")) {
        s.setLong(1, projectId);
        s.setFetchSize(10_000);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            String meta = r.getString(4);
            logs.computeIfAbsent(r.getLong(1), k -> new ArrayList<>())
                .add(new TaskHistory.Entry(r.getLong(2), r.getString(3), meta == null ? null : new JsonObject(meta)));
            entries++;
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement("""
          SELECT id, external_id, status, attempts, lease_id::text, error_message FROM tasks WHERE project_id = ?""")) {
        s.setLong(1, projectId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            long id = r.getLong(1);
            List<TaskHistory.Entry> log = logs.getOrDefault(id, List.of());
            TaskHistory.Outcome outcome = null;
            try {
              outcome = TaskHistory.replay(log);
              if (!outcome.status().equals(r.getString(3)) || outcome.attempts() != r.getInt(4)) {
                invalid.add("task " + id + " is " + r.getString(3) + " after " + r.getInt(4) + " attempts, its log says "
                    + outcome.status() + " after " + outcome.attempts());
              }
              if (outcome.completions() > 1) {
                duplicated.add("task " + id + " completed " + outcome.completions() + " times");
              }
            } catch (IllegalStateException e) {
              invalid.add("task " + id + ": " + e.getMessage());
            }
            Map<String, Integer> claimAttempts = new HashMap<>();
            for (TaskHistory.Entry e : log) {
              if (e.event().equals("claimed")) {
                claimAttempts.put(e.metadata().getString("lease_id"), e.metadata().getInteger("attempt"));
              }
            }
            Stored stored = new Stored(id, r.getString(2), r.getString(3), r.getInt(4), r.getString(5), r.getString(6),
                outcome, claimAttempts);
            byId.put(id, stored);
            if (stored.externalId() != null) {
              byExternalId.put(stored.externalId(), stored);
            }
          }
        }
      }
    }
    created.forEach((externalId, id) -> {
      Stored s = byExternalId.get(externalId);
      if (s == null || s.id() != id) {
        lost.add("create of " + externalId + " answered task " + id + ", stored: " + s);
      }
    });
    for (Claim claim : claims) {
      Stored s = byId.get(claim.taskId());
      Integer attempt = s == null ? null : s.claimAttemptByLease().get(claim.lease());
      if (attempt == null || attempt != claim.attempt()) {
        lost.add("claim of task " + claim.taskId() + " (lease " + claim.lease() + ", attempt " + claim.attempt()
            + ") has no matching log entry");
      }
    }
    for (Completion done : completions) {
      Stored s = byId.get(done.taskId());
      if (s == null || !s.status().equals("completed")) {
        lost.add("complete of task " + done.taskId() + " was acknowledged, the task is " + (s == null ? "missing" : s.status()));
      } else if (!done.lease().equals(s.lease())) {
        duplicated.add("task " + done.taskId() + " acknowledged a complete under lease " + done.lease()
            + " and is completed under " + s.lease());
      }
    }
    for (Failure failure : failures) {
      Stored s = byId.get(failure.taskId());
      boolean logged = s != null && Integer.valueOf(failure.attempt()).equals(s.claimAttemptByLease().get(failure.lease()))
          && logs.getOrDefault(failure.taskId(), List.of()).stream().anyMatch(e -> e.event().equals("failed")
              && e.metadata().getInteger("attempt", -1) == failure.attempt());
      if (!logged) {
        lost.add("fail of task " + failure.taskId() + " attempt " + failure.attempt() + " was acknowledged but not logged");
      }
    }
    return new Check(byExternalId, lost, duplicated, invalid, entries);
  }

  /** Tasks of the project that have reached an end state, counted straight from the database. */
  static long finishedTasks(DatabaseTarget db, long project) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        PreparedStatement s = c.prepareStatement(
            "SELECT count(*) FROM tasks WHERE project_id = ? AND status IN ('completed', 'failed')")) {
      s.setLong(1, project);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
