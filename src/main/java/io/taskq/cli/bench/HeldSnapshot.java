package io.taskq.cli.bench;

import io.taskq.db.DatabaseTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A REPEATABLE READ transaction left open on a connection of its own, as a long report query or
 * a lagging replica with hot_standby_feedback would leave one: its snapshot holds the xmin
 * horizon back, so no VACUUM can remove the rows that die meanwhile. Blocking (JDBC): opened
 * and closed from the main thread.
 */
final class HeldSnapshot implements AutoCloseable {

  private final Connection connection;
  private final String xmin;

  private HeldSnapshot(Connection connection, String xmin) {
    this.connection = connection;
    this.xmin = xmin;
  }

  static HeldSnapshot open(DatabaseTarget target) throws SQLException {
    Connection connection = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties());
    try {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement statement = connection.createStatement();
          // The first query takes the transaction's snapshot, which then lives until the rollback.
          ResultSet rs = statement.executeQuery(
              "SELECT backend_xmin::text FROM pg_stat_activity WHERE pid = pg_backend_pid()")) {
        rs.next();
        return new HeldSnapshot(connection, rs.getString(1));
      }
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  String describe() {
    return "a REPEATABLE READ snapshot (xmin " + xmin + ") held open on another connection for the whole run";
  }

  @Override
  public void close() throws SQLException {
    try {
      connection.rollback();
    } finally {
      connection.close();
    }
  }
}
