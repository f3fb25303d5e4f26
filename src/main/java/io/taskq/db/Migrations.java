package io.taskq.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.changelog.ChangeSetStatus;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.analytics.configuration.AnalyticsArgs;
import liquibase.command.CommandScope;
import liquibase.command.core.RollbackCountCommandStep;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

/** Liquibase over JDBC, from the changelog shipped in the jar. Blocking: run before the verticles start. */
public final class Migrations {

  public static final String CHANGELOG = "liquibase/changelog.yaml";

  static {
    // No network here, and no reason to phone home anywhere.
    System.setProperty(AnalyticsArgs.ENABLED.getKey(), "false");
    Logger.getLogger("liquibase").setLevel(Level.WARNING);
  }

  private Migrations() {
  }

  public static void update(DatabaseTarget target) throws Exception {
    run(target, database -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
        .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
        .execute());
  }

  public static void rollback(DatabaseTarget target, int count) throws Exception {
    run(target, database -> new CommandScope(RollbackCountCommandStep.COMMAND_NAME)
        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
        .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
        .addArgumentValue(RollbackCountCommandStep.COUNT_ARG, count)
        .execute());
  }

  /** One changeset of the changelog: {@code appliedAt} is null while it is pending. */
  public record Changeset(String id, Instant appliedAt) {
    public boolean applied() {
      return appliedAt != null;
    }
  }

  /** Every changeset of the changelog, in changelog order, applied or pending. Changes no schema of ours. */
  public static List<Changeset> status(DatabaseTarget target) throws Exception {
    List<Changeset> changesets = new ArrayList<>();
    run(target, database -> {
      Liquibase liquibase = new Liquibase(CHANGELOG, Scope.getCurrentScope().getResourceAccessor(), database);
      for (ChangeSetStatus status : liquibase.getChangeSetStatuses(new Contexts(), new LabelExpression())) {
        boolean applied = status.getPreviouslyRan() && status.getDateLastExecuted() != null;
        changesets.add(new Changeset(status.getChangeSet().getId(), applied ? status.getDateLastExecuted().toInstant() : null));
      }
    });
    return changesets;
  }

  private interface Command {
    void run(Database database) throws Exception;
  }

  private static void run(DatabaseTarget target, Command command) throws Exception {
    try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties())) {
      Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
      Map<String, Object> scope = Map.of(
          Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(Migrations.class.getClassLoader()),
          Scope.Attr.ui.name(), new LoggerUIService(),
          AnalyticsArgs.ENABLED.getKey(), false);
      Scope.child(scope, () -> command.run(database));
    }
  }
}
