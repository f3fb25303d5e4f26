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

  private ReportTable() {
  }

  static String render(MachineFacts machine, List<RunResult> results, OptionalLong serverMaxRssKb, int generatorEventLoops) {
    StringBuilder out = new StringBuilder();
    out.append(machine.describe()).append('\n').append('\n');
    List<String[]> rows = new ArrayList<>();
    for (RunResult r : results) {
      rows.add(row(r));
    }
    out.append(table(rows));
    out.append('\n');
    for (RunResult r : results) {
      String details = details(r);
      if (!details.isEmpty()) {
        out.append(r.scenario()).append(", ").append(r.workers()).append(" workers: ").append(details).append('\n');
      }
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
  static String table(List<String[]> rows) {
    int[] widths = new int[HEADER.length];
    for (int c = 0; c < HEADER.length; c++) {
      widths[c] = HEADER[c].length();
      for (String[] row : rows) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, HEADER, widths);
    String[] rule = new String[HEADER.length];
    for (int c = 0; c < HEADER.length; c++) {
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
