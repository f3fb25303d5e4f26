package io.taskq.reliability;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * The state machine of a task, as its log must show it. The transitions are those the
 * statements of store/pg/TaskSql write, each with its log row in the same statement:
 * <pre>
 *   (none)   --created-->        pending
 *   pending  --claimed-->        claimed   (attempt n+1, a fresh lease)
 *   claimed  --heartbeat-->      claimed
 *   claimed  --completed-->      completed (final)
 *   claimed  --failed-->         pending when will_retry, else failed (final unless retried)
 *   claimed  --lease_expired-->  pending, or failed on the last attempt (next_status)
 *   pending, claimed, blocked --cancelled--> cancelled
 *   failed, cancelled --retried--> pending (attempts start again)
 * </pre>
 * Log rows are read in id order: each change takes the task's row lock before it writes its
 * log row, so ids follow the order of the changes.
 */
final class TaskHistory {

  record Entry(long id, String event, JsonObject metadata) {
  }

  /** What a valid log says: its end state, and the lease and attempt of the last claim. */
  record Outcome(String status, int attempts, String lastLease, int completions, int claims) {
  }

  private TaskHistory() {
  }

  /** Replays the log; throws IllegalStateException naming the first transition the state machine does not allow. */
  static Outcome replay(List<Entry> log) {
    String state = null;
    int attempt = 0;
    String lease = null;
    int completions = 0;
    int claims = 0;
    for (Entry e : log) {
      JsonObject m = e.metadata() == null ? new JsonObject() : e.metadata();
      switch (e.event()) {
        case "created" -> {
          require(state == null, e, state);
          state = "pending";
        }
        case "claimed" -> {
          require("pending".equals(state), e, state);
          require(m.getInteger("attempt", -1) == attempt + 1, e, "attempt " + attempt + " before it");
          attempt++;
          claims++;
          lease = m.getString("lease_id");
          require(lease != null, e, "no lease");
          state = "claimed";
        }
        case "heartbeat" -> require("claimed".equals(state), e, state);
        case "completed" -> {
          require("claimed".equals(state), e, state);
          completions++;
          state = "completed";
        }
        case "failed" -> {
          require("claimed".equals(state), e, state);
          require(m.getInteger("attempt", -1) == attempt, e, "attempt " + attempt);
          state = Boolean.TRUE.equals(m.getBoolean("will_retry")) ? "pending" : "failed";
        }
        case "lease_expired" -> {
          require("claimed".equals(state), e, state);
          require(Objects.equals(m.getString("lease_id"), lease), e, "lease " + lease);
          require(m.getInteger("attempt", -1) == attempt, e, "attempt " + attempt);
          String next = m.getString("next_status");
          require("pending".equals(next) || "failed".equals(next), e, "next_status " + next);
          state = next;
        }
        case "cancelled" -> {
          require("pending".equals(state) || "claimed".equals(state) || "blocked".equals(state), e, state);
          state = "cancelled";
        }
        case "retried" -> {
          require("failed".equals(state) || "cancelled".equals(state), e, state);
          attempt = 0;
          state = "pending";
        }
        default -> throw new IllegalStateException("log " + e.id() + ": unknown event " + e.event());
      }
    }
    if (state == null) {
      throw new IllegalStateException("no 'created' entry");
    }
    return new Outcome(state, attempt, lease, completions, claims);
  }

  private static void require(boolean allowed, Entry e, Object context) {
    if (!allowed) {
      throw new IllegalStateException("log " + e.id() + ": '" + e.event() + "' " + e.metadata() + " not allowed after " + context);
    }
  }
}
