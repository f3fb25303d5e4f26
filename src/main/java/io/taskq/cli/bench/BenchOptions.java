package io.taskq.cli.bench;

import io.taskq.db.DatabaseTarget;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bench's command line, parsed and checked as a whole before anything starts.
 *
 * @param url a running taskq to measure; empty: the bench starts its own
 * @param key the admin key of {@code url}
 * @param workers concurrent workers; every scenario runs once at each count
 * @param durationSeconds length of each measured window
 * @param warmupSeconds load before each measured window that is not counted
 * @param prewarmSeconds uncounted load before the first run, so that both JVMs have compiled their hot paths
 * @param scenarios the runs, in order (claim-complete-batch is two runs)
 * @param out where to write the results as JSON
 * @param baseline also run the naive SQL baseline of the claiming scenarios
 * @param databaseUrl the database of {@code url}, for the baseline and the PostgreSQL version
 * @param e2eRate tasks per second the e2e creator sends, whatever the answers
 * @param longPollMs e2e claims carry {@code "wait_ms"} when positive
 * @param maxConcurrency the bench's task type is registered with this max_concurrency (0: none)
 * @param e2eCreatorUrl another instance of the same deployment that the e2e creator sends to
 * @param dagRunsInFlight runs the dag starter keeps in flight; 0: {@link DagScenario#runsInFlight(int)} of the workers
 * @param baselineVia how the naive baseline runs: pgbench, the PostgreSQL client, or pgbench when installed
 * @param churnWindowSeconds churn reports each window of this length
 * @param holdXmin churn holds a REPEATABLE READ snapshot open on another connection for the whole run
 * @param churnRate churn's workers together start at most this many claim -> complete cycles a second; 0: closed loop
 * @param churnRatePercent churn's rate as this percentage of the claim-complete rate measured just before it, in the
 *     same round at the same worker count; 0: not relative
 * @param repeat rounds of every selected run, after one prewarm
 * @param serverJvmOptions the JVM options of the server the bench starts (its heap cap, its collector)
 */
record BenchOptions(
    Optional<URI> url,
    Optional<String> key,
    List<Integer> workers,
    int durationSeconds,
    int warmupSeconds,
    int prewarmSeconds,
    List<ScenarioKind> scenarios,
    Optional<Path> out,
    boolean baseline,
    Optional<String> databaseUrl,
    int e2eRate,
    int longPollMs,
    int maxConcurrency,
    Optional<URI> e2eCreatorUrl,
    int dagRunsInFlight,
    BaselineVia baselineVia,
    int churnWindowSeconds,
    boolean holdXmin,
    int churnRate,
    int churnRatePercent,
    int repeat,
    List<String> serverJvmOptions) {

  /** How {@code --baseline} runs the naive SQL. */
  enum BaselineVia {
    /** pgbench when it is on PATH, else the client. */
    AUTO,
    PGBENCH,
    CLIENT
  }

  static final List<Integer> DEFAULT_WORKERS = List.of(1, 8, 32, 64);
  static final int DEFAULT_DURATION_SECONDS = 10;
  static final int DEFAULT_WARMUP_SECONDS = 3;
  /**
   * A fresh JVM runs a request path interpreted, then compiled twice over (C1, then C2), and on 2
   * cores the compiler threads compete with the load: a server measured in its first minute
   * answered creates at 776/s, the same server some minutes later at 1,423/s. Every run's own
   * warm-up is too short for that; one prewarm of every selected scenario settles it first. A
   * claim loop cost 320-435 us of server CPU per request in its first 20 s, 116 after a minute
   * and 77 after two (issue 14): two minutes is what the JIT needs here.
   */
  static final int DEFAULT_PREWARM_SECONDS = 120;
  static final int DEFAULT_CHURN_WINDOW_SECONDS = 20;
  static final int DEFAULT_E2E_RATE = 500;
  static final int MAX_WORKERS = 1024;
  static final int MAX_DAG_RUNS_IN_FLIGHT = 1000;
  static final int MAX_CHURN_RATE = 1_000_000;
  static final int MAX_REPEAT = 20;
  /** As README.md recommends running the server (see {@link ServerUnderTest}). */
  static final String DEFAULT_SERVER_JVM = "-Xmx192m -XX:+UseSerialGC";

  static final String USAGE = """
      usage: java -jar taskq.jar bench [options]
        --url URL --key KEY     measure a running taskq (else the bench starts its own, on an embedded
                                PostgreSQL unless TASKQ_DB_URL is set)
        --workers 1,8,32,64     concurrent workers; each scenario runs at each count
        --duration 10           seconds per measured window
        --warmup 3              seconds of uncounted load before each window
        --prewarm 120           seconds of uncounted load, shared by the selected scenarios at 8 workers,
                                before the first run: the server's and the bench's JIT compile meanwhile
        --scenarios LIST        of create, bulk, claim-complete, claim-complete-batch, e2e, dag, churn (default all but churn;
                                claim-complete-batch-10 and claim-complete-batch-100 also name one run;
                                dag: runs of a 1 -> 100 -> 1 workflow, with release latencies;
                                churn: claim -> complete for --duration, PostgreSQL's CPU per task, p99 and
                                tasks/s per --churn-window, so that a claim growing dearer shows)
        --out FILE              write the results as JSON
        --baseline              also run the naive claim-then-complete of naive/*.sql (one-index table in
                                schema taskq_naive, two autocommit transactions per task) before and after
                                claim-complete, and taskq's own claim SQL without HTTP after the batch runs
        --baseline-via auto     pgbench (on PATH), client (the PostgreSQL client, the same two statements),
                                or auto: pgbench when installed
        --db-url URL            the database of --url (postgresql://user:pass@host:5432/db)
        --e2e-rate 500          tasks/s created open-loop in e2e
        --long-poll-ms 0        e2e workers claim with "wait_ms": N when N > 0 (at most 20000)
        --max-concurrency 0     register the bench's task type with this max_concurrency (0: no limit),
                                to measure what the limit check costs
        --e2e-creator-url URL   with --url: e2e creates go to this other instance (same database, same
                                admin key), so wake-ups cross instances
        --dag-runs-in-flight N  runs the dag starter keeps going (default 1 + workers/100, rounded up: one
                                fanning out while the one before waits for its end); with 1, workers idle
                                between a run's phases, so the fan-in's release latency is the release and
                                the wake-up alone, with no queue ahead of it
        --churn-window 20       churn: seconds per reported window
        --hold-xmin             churn: first open a REPEATABLE READ transaction on another connection and
                                keep its snapshot for the whole run (as a long report or a lagging replica)
        --churn-rate 0          churn: the workers together start at most N claim -> complete cycles a second
                                (0: as fast as they can); N% is N percent of the claim-complete rate measured
                                just before churn in the same round at the same worker count (list
                                claim-complete before churn): 50% is "half the peak rate" of target 4
        --repeat 1              rounds of every selected run (one prewarm first; rounds interleaved, each with
                                its own naive runs around claim-complete); with 2 or more, a table of the
                                medians follows the table of runs
        --server-jvm OPTIONS    the JVM options of the server the bench starts, space-separated (to compare
                                heap caps and collectors; default README.md's:
                                "-Xmx192m -XX:+UseSerialGC"); not with --url""";

  /** A command line the bench cannot run with; the message says why. */
  static final class UsageError extends IllegalArgumentException {
    UsageError(String message) {
      super(message);
    }
  }

  BenchOptions {
    workers = List.copyOf(workers);
    scenarios = List.copyOf(scenarios);
    serverJvmOptions = List.copyOf(serverJvmOptions);
  }

  static boolean asksForHelp(List<String> args) {
    return args.contains("--help") || args.contains("-h") || args.contains("help");
  }

  static BenchOptions parse(List<String> args) {
    Optional<URI> url = Optional.empty();
    Optional<String> key = Optional.empty();
    List<Integer> workers = DEFAULT_WORKERS;
    int duration = DEFAULT_DURATION_SECONDS;
    int warmup = DEFAULT_WARMUP_SECONDS;
    int prewarm = DEFAULT_PREWARM_SECONDS;
    List<ScenarioKind> scenarios = ScenarioKind.defaults();
    Optional<Path> out = Optional.empty();
    boolean baseline = false;
    Optional<String> databaseUrl = Optional.empty();
    int e2eRate = DEFAULT_E2E_RATE;
    int longPollMs = 0;
    int maxConcurrency = 0;
    Optional<URI> e2eCreatorUrl = Optional.empty();
    int dagRunsInFlight = 0;
    BaselineVia baselineVia = BaselineVia.AUTO;
    int churnWindow = DEFAULT_CHURN_WINDOW_SECONDS;
    boolean holdXmin = false;
    int churnRate = 0;
    int churnRatePercent = 0;
    int repeat = 1;
    List<String> serverJvmOptions = jvmOptions("--server-jvm", DEFAULT_SERVER_JVM);
    Set<String> seen = new LinkedHashSet<>();

    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new UsageError("unexpected argument: " + arg);
      }
      String name = arg;
      String inlineValue = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        inlineValue = arg.substring(eq + 1);
      }
      if (!seen.add(name)) {
        throw new UsageError(name + " is given twice");
      }
      if (name.equals("--baseline") || name.equals("--hold-xmin")) {
        if (inlineValue != null) {
          throw new UsageError(name + " takes no value");
        }
        if (name.equals("--baseline")) {
          baseline = true;
        } else {
          holdXmin = true;
        }
        continue;
      }
      String value;
      if (inlineValue != null) {
        value = inlineValue;
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new UsageError(name + " needs a value");
      }
      switch (name) {
        case "--url" -> url = Optional.of(httpUrl(value));
        case "--key" -> key = Optional.of(nonBlank(name, value));
        case "--workers" -> workers = workerCounts(value);
        case "--duration" -> duration = wholeNumber(name, value, 1, 3600);
        case "--warmup" -> warmup = wholeNumber(name, value, 0, 600);
        case "--prewarm" -> prewarm = wholeNumber(name, value, 0, 600);
        case "--scenarios" -> scenarios = scenarioList(value);
        case "--out" -> out = Optional.of(Path.of(nonBlank(name, value)));
        case "--db-url" -> databaseUrl = Optional.of(databaseUrl(value));
        case "--e2e-rate" -> e2eRate = wholeNumber(name, value, 1, 1_000_000);
        case "--long-poll-ms" -> longPollMs = wholeNumber(name, value, 0, 20_000);
        case "--max-concurrency" -> maxConcurrency = wholeNumber(name, value, 0, 1_000_000);
        case "--e2e-creator-url" -> e2eCreatorUrl = Optional.of(httpUrl(value));
        case "--dag-runs-in-flight" -> dagRunsInFlight = wholeNumber(name, value, 1, MAX_DAG_RUNS_IN_FLIGHT);
        case "--baseline-via" -> baselineVia = baselineVia(value);
        case "--churn-window" -> churnWindow = wholeNumber(name, value, 1, 3600);
        case "--churn-rate" -> {
          try {
            if (value.endsWith("%")) {
              churnRatePercent = wholeNumber(name, value.substring(0, value.length() - 1), 1, 100);
            } else {
              churnRate = wholeNumber(name, value, 0, MAX_CHURN_RATE);
            }
          } catch (UsageError e) {
            throw new UsageError("--churn-rate takes a whole number of tasks a second from 0 to " + MAX_CHURN_RATE
                + ", or a percentage from 1% to 100%, got '" + value + "'");
          }
        }
        case "--repeat" -> repeat = wholeNumber(name, value, 1, MAX_REPEAT);
        case "--server-jvm" -> serverJvmOptions = jvmOptions(name, value);
        default -> throw new UsageError("unknown option: " + name);
      }
    }
    if (url.isPresent() != key.isPresent()) {
      throw new UsageError("--url and --key go together: the bench needs an admin key of the server it measures");
    }
    if (e2eCreatorUrl.isPresent() && url.isEmpty()) {
      throw new UsageError("--e2e-creator-url needs --url: both instances must serve one database");
    }
    if (baseline && url.isPresent() && databaseUrl.isEmpty()) {
      throw new UsageError("--baseline with --url needs --db-url: the baseline talks to that server's database directly");
    }
    if (holdXmin && !scenarios.contains(ScenarioKind.CHURN)) {
      throw new UsageError("--hold-xmin is for the churn scenario: add churn to --scenarios");
    }
    if (holdXmin && url.isPresent() && databaseUrl.isEmpty()) {
      throw new UsageError("--hold-xmin with --url needs --db-url: the held transaction runs on that server's database");
    }
    if ((churnRate > 0 || churnRatePercent > 0) && !scenarios.contains(ScenarioKind.CHURN)) {
      throw new UsageError("--churn-rate is for the churn scenario: add churn to --scenarios");
    }
    if (churnRatePercent > 0 && !(scenarios.contains(ScenarioKind.CLAIM_COMPLETE)
        && scenarios.indexOf(ScenarioKind.CLAIM_COMPLETE) < scenarios.indexOf(ScenarioKind.CHURN))) {
      throw new UsageError("--churn-rate " + churnRatePercent + "% is a share of the claim-complete rate measured before churn: "
          + "list claim-complete before churn in --scenarios");
    }
    if (seen.contains("--server-jvm") && url.isPresent()) {
      throw new UsageError("--server-jvm is for the server the bench starts; with --url, start yours with the options you want");
    }
    return new BenchOptions(url, key, workers, duration, warmup, prewarm, scenarios, out, baseline, databaseUrl, e2eRate, longPollMs, maxConcurrency,
        e2eCreatorUrl, dagRunsInFlight, baselineVia, churnWindow, holdXmin, churnRate, churnRatePercent, repeat, serverJvmOptions);
  }

  /** JVM options, space-separated; each must look like one ({@code -X..}, {@code -D..}), so that a stray word cannot become the main class. */
  private static List<String> jvmOptions(String name, String value) {
    List<String> options = List.of(value.trim().split("\\s+"));
    for (String option : options) {
      if (!option.startsWith("-X") && !option.startsWith("-D")) {
        throw new UsageError(name + " takes JVM options such as \"-Xmx192m -XX:+UseSerialGC\", got '" + option + "'");
      }
    }
    return options;
  }

  /** Runs the dag starter keeps in flight at {@code workers} workers. */
  int dagRunsInFlight(int workers) {
    return dagRunsInFlight > 0 ? dagRunsInFlight : DagScenario.runsInFlight(workers);
  }

  boolean startsOwnServer() {
    return url.isEmpty();
  }

  private static URI httpUrl(String value) {
    URI uri;
    try {
      uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--url is not a URL: " + value);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new UsageError("--url must look like http://localhost:8080, got " + value);
    }
    if (uri.getPath() != null && !uri.getPath().isEmpty()) {
      throw new UsageError("--url is the server's root, without a path: " + value);
    }
    return uri;
  }

  private static String databaseUrl(String value) {
    try {
      DatabaseTarget.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--db-url must look like postgresql://user:pass@host:5432/taskq[?sslmode=...], got " + value
          + " (" + e.getMessage() + ")");
    }
    return value;
  }

  private static BaselineVia baselineVia(String value) {
    return switch (value) {
      case "auto" -> BaselineVia.AUTO;
      case "pgbench" -> BaselineVia.PGBENCH;
      case "client" -> BaselineVia.CLIENT;
      default -> throw new UsageError("--baseline-via takes auto, pgbench or client, got '" + value + "'");
    };
  }

  private static List<Integer> workerCounts(String value) {
    List<Integer> counts = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      int count = wholeNumber("--workers", part.trim(), 1, MAX_WORKERS);
      if (counts.contains(count)) {
        throw new UsageError("--workers lists " + count + " twice");
      }
      counts.add(count);
    }
    return counts;
  }

  private static List<ScenarioKind> scenarioList(String value) {
    Set<ScenarioKind> kinds = new LinkedHashSet<>();
    for (String part : value.split(",", -1)) {
      List<ScenarioKind> named = ScenarioKind.fromOption(part.trim()).orElseThrow(() -> new UsageError(
          "unknown scenario '" + part.trim() + "'; known: create, bulk, claim-complete, claim-complete-batch, e2e, dag, churn"));
      kinds.addAll(named);
    }
    return List.copyOf(kinds);
  }

  private static int wholeNumber(String name, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, with the range
    }
    throw new UsageError(name + " takes a whole number from " + min + " to " + max + ", got '" + value + "'");
  }

  private static String nonBlank(String name, String value) {
    if (value.isBlank()) {
      throw new UsageError(name + " must not be empty");
    }
    return value;
  }
}
