package io.taskq.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;

/** Creates the target database when it does not exist yet, connecting to the {@code postgres} database. JDBC: call it off the event loops. */
public final class DatabaseCreator {

  private static final Logger LOG = Logger.getLogger(DatabaseCreator.class.getName());

  private DatabaseCreator() {
  }

  public static void ensureExists(DatabaseTarget target) throws SQLException {
    DatabaseTarget admin = target.withDatabase("postgres");
    try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties())) {
      try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, target.database());
        try (ResultSet rs = exists.executeQuery()) {
          if (rs.next()) {
            return;
          }
        }
      }
      try (Statement create = connection.createStatement()) {
        // CREATE DATABASE takes no parameters; the name is quoted as an identifier.
        create.execute("CREATE DATABASE " + quoteIdentifier(target.database()));
        LOG.info("created database " + target.database() + " on " + target.host() + ":" + target.port());
      } catch (SQLException e) {
        if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another instance: fine
          throw e;
        }
      }
    }
  }

  public static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
