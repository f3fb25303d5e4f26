package io.taskq.cli;

import io.taskq.db.Migrations.Changeset;
import java.io.PrintStream;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The text of {@code taskq migrate --status}: one line per changeset, then a summary. Pending
 * changesets are not an error (the exit code stays 0): they are what {@code migrate} and
 * {@code serve} apply, and exit code 1 already means that the database could not be read.
 */
final class MigrationStatus {

  private MigrationStatus() {
  }

  static void print(List<Changeset> changesets, String database, PrintStream out) {
    long applied = changesets.stream().filter(Changeset::applied).count();
    for (Changeset changeset : changesets) {
      String when = changeset.applied() ? DateTimeFormatter.ISO_INSTANT.format(changeset.appliedAt()) : "-";
      out.printf("%-8s %-24s %s%n", changeset.applied() ? "applied" : "pending", when, changeset.id());
    }
    out.println("taskq: " + applied + " applied, " + (changesets.size() - applied) + " pending on " + database);
  }
}
