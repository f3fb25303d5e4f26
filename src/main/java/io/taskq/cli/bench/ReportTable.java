package io.taskq.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The report on stdout: one table row per (scenario, workers), then a line per run with what
 * does not fit a column (the second latency, the baseline's latencies, notes), then totals.
 */
final class ReportTable {

  private static final String[] HEADER = {
      "scenario", "workers", "tasks/s", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors",
      "baseline tasks/s", "ratio", "srv us/req", "srv us/task", "pg us/req", "pg us/task", "gen cpu %", "srv rss MB"};
  private static final String[] MEDIANS_HEADER = {
      "scenario", "workers", "runs", "tasks/s", "p50 ms", "p99 ms", "errors", "baseline tasks/s", "ratio",
      "srv us/req", "srv us/task", "pg us/req", "pg us/task"};

  private ReportTable() {
  }

  static String render(MachineFacts machine, List<RunResult> results, OptionalLong serverMaxRssKb, int generatorEventLoops) {
    StringBuilder out = new StringBuilder();
    out.append(machine.describe()).append('\n').append('\n');
    boolean repeated = results.stream().anyMatch(r -> r.round() > 1);
    List<String[]> rows = new ArrayList<>();
    for (RunResult r : results) {
      String[] row = row(r);
      row[0] = name(r, repeated);
      rows.add(row);
    }
    out.append(table(HEADER, rows));
    out.append('\n');
    for (RunResult r : results) {
      String details = details(r);
      if (!details.isEmpty()) {
        out.append(name(r, repeated)).append(", ").append(r.workers()).append(" workers: ").append(details).append('\n');
      }
    }
    if (repeated) {
      out.append('\n').append(medians(RunMedians.of(results)));
    }
    out.append(String.format(Locale.ROOT,
        "tasks/s and req/s count answers inside the measured window; latencies are of successful requests "
            + "(e2e: task created to claimed; dag: a dependent's release, its last prerequisite completed to its claim, "
            + "server times); srv/pg us are CPU microseconds (utime + stime from /proc) of the taskq process and of PostgreSQL's postmaster and children over the window, per request answered and per task, n/a where the process is not a local one the bench can read; gen cpu %% is the bench process (%d event loops) as %% of one core.%n",
        generatorEventLoops));
    if (serverMaxRssKb.isPresent() && serverMaxRssKb.getAsLong() >= 0) {
      out.append(String.format(Locale.ROOT, "server max RSS over the whole bench: %,.0f MB%n", serverMaxRssKb.getAsLong() / 1024.0));
    }
    return out.toString();
  }

  /** With --repeat, "claim-complete #2" is the second round's run. */
  private static String name(RunResult r, boolean repeated) {
    return repeated ? r.scenario() + " #" + r.round() : r.scenario();
  }

  /** The medians over the rounds, a row per scenario and worker count, and churn's drift under it. */
  static String medians(List<RunMedians> medians) {
    StringBuilder out = new StringBuilder();
    int most = medians.stream().mapToInt(RunMedians::runs).max().orElse(0);
    out.append(String.format(Locale.ROOT, "medians of %d runs:%n", most));
    List<String[]> rows = new ArrayList<>();
    for (RunMedians m : medians) {
      rows.add(new String[] {
          m.scenario(),
          Integer.toString(m.workers()),
          Integer.toString(m.runs()),
          count(m.tasksPerSecond()),
          ms(m.p50Ms()),
          ms(m.p99Ms()),
          String.format(Locale.ROOT, "%,d", m.errors()),
          m.baselineTasksPerSecond().map(ReportTable::count).orElse("-"),
          m.ratio().map(ratio -> String.format(Locale.ROOT, "%.2f", ratio)).orElse("-"),
          micros(m.serverMicrosPerRequest()),
          micros(m.serverMicrosPerTask()),
          micros(m.postgresMicrosPerRequest()),
          micros(m.postgresMicrosPerTask())});
    }
    out.append(table(MEDIANS_HEADER, rows));
    for (RunMedians m : medians) {
      if (m.postgresDrift().isPresent() || m.throughputDrift().isPresent()) {
        out.append(String.format(Locale.ROOT,
            "%s, %d workers: last window over the first, medians: PostgreSQL us per task %s (target 5: within 1.25x), tasks/s %s%n",
            m.scenario(), m.workers(), times(m.postgresDrift()), times(m.throughputDrift())));
      }
    }
    out.append("errors are summed over the runs; the ratio is the median of each run's ratio to the naive runs around it.\n");
    return out.toString();
  }

  private static String times(java.util.Optional<Double> ratio) {
    return ratio.map(r -> String.format(Locale.ROOT, "%.2fx", r)).orElse("n/a");
  }

  private static String[] row(RunResult r) {
    return new String[] {
        r.scenario(),
        Integer.toString(r.workers()),
        count(r.tasksPerSecond()),
        count(r.requestsPerSecond()),
        ms(r.latency().p50Ms()),
        ms(r.latency().p95Ms()),
        ms(r.latency().p99Ms()),
        ms(r.latency().maxMs()),
        String.format(Locale.ROOT, "%,d", r.errors()),
        r.baseline().map(b -> count(b.tasksPerSecond())).orElse("-"),
        r.ratioToBaseline().map(ratio -> String.format(Locale.ROOT, "%.2f", ratio)).orElse("-"),
        micros(r.serverCpuMicrosPerRequest()),
        micros(r.serverCpuMicrosPerTask()),
        micros(r.postgresCpuMicrosPerRequest()),
        micros(r.postgresCpuMicrosPerTask()),
        r.generatorCpuPercent() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", r.generatorCpuPercent()),
        r.serverMaxRssKb() < 0 ? "-" : String.format(Locale.ROOT, "%,.0f", r.serverMaxRssKb() / 1024.0)};
  }

  private static String details(RunResult r) {
    List<String> parts = new ArrayList<>();
    if (r.secondLatencyName() != null) {
      parts.add(r.secondLatencyName() + " latency " + percentiles(r.secondLatency()));
    }
    r.serverCpuMicrosPerTask().ifPresent(us -> parts.add(String.format(Locale.ROOT,
        "server CPU %,.0f us per task (%.0f %% of a core)", us, r.serverCpuPercent().orElse(0.0))));
    parts.addAll(r.notes());
    r.baseline().ifPresent(b -> {
      List<String> baseline = new ArrayList<>();
      b.postgresCpuMicrosPerTask().ifPresent(us -> baseline.add(String.format(Locale.ROOT, "PostgreSQL CPU %,.0f us per task", us)));
      if (b.latency().count() > 0) {
        baseline.add("claim " + percentiles(b.latency()));
      }
      if (b.secondLatencyName() != null && b.secondLatency().count() > 0) {
        baseline.add(b.secondLatencyName() + " " + percentiles(b.secondLatency()));
      }
      baseline.add(b.errors() + " errors");
      baseline.addAll(b.notes());
      parts.add("baseline: " + String.join(", ", baseline));
    });
    return String.join("; ", parts);
  }

  /** "p50/p95/p99/max 1.20/2.31/4.00/9.87 ms" */
  static String percentiles(LatencySummary s) {
    return String.format(Locale.ROOT, "p50/p95/p99/max %s/%s/%s/%s ms", ms(s.p50Ms()), ms(s.p95Ms()), ms(s.p99Ms()), ms(s.maxMs()));
  }

  /** CPU microseconds, or n/a where the process is not on this machine (a --url server, a remote database). */
  private static String micros(java.util.Optional<Double> us) {
    return us.map(v -> String.format(Locale.ROOT, "%,.0f", v)).orElse("n/a");
  }

  private static String count(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  private static String ms(double millis) {
    return String.format(Locale.ROOT, millis >= 100 ? "%.0f" : "%.2f", millis);
  }

  /** Columns padded to their widest cell: the first left-aligned, numbers right-aligned. */
  static String table(String[] header, List<String[]> rows) {
    int[] widths = new int[header.length];
    for (int c = 0; c < header.length; c++) {
      widths[c] = header[c].length();
      for (String[] row : rows) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, header, widths);
    String[] rule = new String[header.length];
    for (int c = 0; c < header.length; c++) {
      rule[c] = "-".repeat(widths[c]);
    }
    line(out, rule, widths);
    for (String[] row : rows) {
      line(out, row, widths);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String[] cells, int[] widths) {
    for (int c = 0; c < cells.length; c++) {
      out.append(c == 0 ? "" : " | ");
      String padding = " ".repeat(widths[c] - cells[c].length());
      out.append(c == 0 ? cells[c] + padding : padding + cells[c]);
    }
    out.append('\n');
  }
}
