package io.taskq.db;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Where the database is, read from a {@code postgresql://user:pass@host:port/db} URL, in the
 * two forms taskq needs it: JDBC (Liquibase) and the Vert.x client.
 */
public record DatabaseTarget(String host, int port, String database, String user, String password) {

  public static DatabaseTarget parse(String url) {
    String raw = url.startsWith("jdbc:") ? url.substring(5) : url;
    URI uri;
    try {
      uri = URI.create(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TASKQ_DB_URL is not a URL: " + e.getMessage());
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("TASKQ_DB_URL must look like postgresql://user:pass@host:5432/taskq");
    }
    String user = "postgres";
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    String host = uri.getHost() == null ? "localhost" : uri.getHost();
    return new DatabaseTarget(host, uri.getPort() < 0 ? 5432 : uri.getPort(), path.isEmpty() ? "taskq" : decode(path), user, password);
  }

  public DatabaseTarget withDatabase(String name) {
    return new DatabaseTarget(host, port, name, user, password);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public Properties jdbcProperties() {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("ApplicationName", "taskq");
    return properties;
  }

  /** Longer than any statement taskq runs (the longest, the claim, is about 2,070 characters). */
  static final int MAX_CACHED_SQL_LENGTH = 16_384;

  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user)
        // Every statement is a constant: preparing each once per connection saves a parse and plan per call.
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        // The client's default caches only statements under 2,048 characters; the claim is longer,
        // and was parsed and planned again on every call.
        .setPreparedStatementCacheSqlLimit(MAX_CACHED_SQL_LENGTH);
    if (password != null) {
      options.setPassword(password);
    }
    options.getProperties().put("application_name", "taskq");
    options.getProperties().putAll(PlannerSettings.SESSION);
    return options;
  }

  /** For logs: everything but the password. */
  public String describe() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
