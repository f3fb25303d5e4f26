package io.taskq.cli.bench;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shows the first few failed requests of a run on stderr, then stays quiet: a broken run
 * fails the same way thousands of times, and the first bodies say why.
 */
final class ErrorLog {

  private static final int SHOWN = 3;
  private static final int MAX_DETAIL = 400;

  private final String run;
  private final PrintStream out;
  private final AtomicInteger reported = new AtomicInteger();

  ErrorLog(String run, PrintStream out) {
    this.run = run;
    this.out = out;
  }

  void report(String what, String detail) {
    int n = reported.incrementAndGet();
    if (n <= SHOWN) {
      String shown = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "..." : detail;
      out.println("bench: " + run + ": " + what + " failed: " + shown);
    } else if (n == SHOWN + 1) {
      out.println("bench: " + run + ": more errors; only the first " + SHOWN + " are shown");
    }
  }
}
