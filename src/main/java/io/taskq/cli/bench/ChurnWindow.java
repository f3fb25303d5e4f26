package io.taskq.cli.bench;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one time window of a churn run measured.
 *
 * @param fromSeconds the window's start, seconds into the measured window of the run
 * @param tasks tasks completed in the window
 * @param claim the claim requests' latency in the window
 * @param postgresCpuNanos PostgreSQL's CPU over the window; -1 unknown
 * @param serverCpuNanos the server's CPU over the window; -1 unknown
 */
record ChurnWindow(double fromSeconds, double toSeconds, long tasks, LatencySummary claim, long postgresCpuNanos, long serverCpuNanos) {

  double tasksPerSecond() {
    return tasks / (toSeconds - fromSeconds);
  }

  Optional<Double> postgresMicrosPerTask() {
    return perTask(postgresCpuNanos);
  }

  Optional<Double> serverMicrosPerTask() {
    return perTask(serverCpuNanos);
  }

  private Optional<Double> perTask(long nanos) {
    return nanos < 0 || tasks == 0 ? Optional.empty() : Optional.of(nanos / 1_000.0 / tasks);
  }

  String describe() {
    return String.format(Locale.ROOT, "window %.0f-%.0f s: %,.0f tasks/s, claim p50 %.2f ms p99 %.2f ms, PostgreSQL %s us per task, server %s us per task",
        fromSeconds, toSeconds, tasksPerSecond(), claim.p50Ms(), claim.p99Ms(), micros(postgresMicrosPerTask()),
        micros(serverMicrosPerTask()));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("from", fromSeconds)
        .put("to", toSeconds)
        .put("tasks", tasks)
        .put("tasks_per_second", tasksPerSecond())
        .put("claim_p50_ms", claim.p50Ms())
        .put("claim_p99_ms", claim.p99Ms())
        .put("pg_us_per_task", postgresMicrosPerTask().orElse(null))
        .put("server_us_per_task", serverMicrosPerTask().orElse(null));
  }

  /**
   * Target 5 compares the claim's PostgreSQL cost at the end of a run with its cost right after
   * the VACUUM that starts it: the last window over the first, for the cost and the throughput.
   */
  record Drift(ChurnWindow first, ChurnWindow last, long tasks) {

    /** Empty with fewer than two windows: one window has nothing to drift from. */
    static Optional<Drift> of(List<ChurnWindow> windows) {
      long tasks = windows.stream().mapToLong(ChurnWindow::tasks).sum();
      return windows.size() < 2 ? Optional.empty() : Optional.of(new Drift(windows.get(0), windows.get(windows.size() - 1), tasks));
    }

    Optional<Double> postgresRatio() {
      return first.postgresMicrosPerTask().flatMap(a -> last.postgresMicrosPerTask().filter(b -> a > 0).map(b -> b / a));
    }

    Optional<Double> throughputRatio() {
      return first.tasks() == 0 ? Optional.empty() : Optional.of(last.tasksPerSecond() / first.tasksPerSecond());
    }

    String describe() {
      return String.format(Locale.ROOT,
          "first window -> last: PostgreSQL %s -> %s us per task (%s, target 5: within 1.25x), %,.0f -> %,.0f tasks/s (%s), %,d tasks claimed and completed in the windows",
          micros(first.postgresMicrosPerTask()), micros(last.postgresMicrosPerTask()), times(postgresRatio()),
          first.tasksPerSecond(), last.tasksPerSecond(), times(throughputRatio()), tasks);
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("first_pg_us_per_task", first.postgresMicrosPerTask().orElse(null))
          .put("last_pg_us_per_task", last.postgresMicrosPerTask().orElse(null))
          .put("pg_us_per_task_last_over_first", postgresRatio().orElse(null))
          .put("first_tasks_per_second", first.tasksPerSecond())
          .put("last_tasks_per_second", last.tasksPerSecond())
          .put("tasks_per_second_last_over_first", throughputRatio().orElse(null))
          .put("tasks", tasks);
    }

    private static String times(Optional<Double> ratio) {
      return ratio.map(r -> String.format(Locale.ROOT, "%.2fx", r)).orElse("n/a");
    }
  }

  private static String micros(Optional<Double> us) {
    return us.map(v -> String.format(Locale.ROOT, "%,.0f", v)).orElse("n/a");
  }
}
