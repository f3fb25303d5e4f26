package io.taskq.cli.bench;

import java.util.Arrays;

/** Runs the bench on its own ({@code java -cp taskq.jar io.taskq.cli.bench.BenchMain [options]}), before and besides {@code taskq bench}. */
public final class BenchMain {

  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s - %5$s%6$s%n");
    System.exit(BenchCommand.run(Arrays.asList(args), System.getenv()));
  }
}
