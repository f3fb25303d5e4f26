package io.taskq.db;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where the database is and how to reach it, read from a
 * {@code postgresql://user:pass@host:port/db?sslmode=...&sslrootcert=...} URL, in the two forms
 * taskq needs it: JDBC (Liquibase, the CLI) and the Vert.x client. Every connection taskq makes is
 * configured here, so all of them get the same TLS.
 */
public record DatabaseTarget(String host, int port, String database, String user, String password, DatabaseTls tls) {

  /** The URL parameters taskq reads; any other is refused rather than silently ignored (a misspelt sslmode would mean plain text). */
  private static final Set<String> PARAMETERS = Set.of("sslmode", "sslrootcert");

  /** A database without TLS: the embedded PostgreSQL taskq or a test starts on this machine. */
  public DatabaseTarget(String host, int port, String database, String user, String password) {
    this(host, port, database, user, password, DatabaseTls.DISABLED);
  }

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
    Map<String, String> parameters = parameters(uri.getRawQuery());
    DatabaseTls tls = DatabaseTls.of(parameters.get("sslmode"), parameters.get("sslrootcert"));
    return new DatabaseTarget(host, uri.getPort() < 0 ? 5432 : uri.getPort(), path.isEmpty() ? "taskq" : decode(path), user, password, tls);
  }

  private static Map<String, String> parameters(String rawQuery) {
    Map<String, String> parameters = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      String[] keyValue = pair.split("=", 2);
      String key = decode(keyValue[0]);
      if (!PARAMETERS.contains(key)) {
        throw new IllegalArgumentException("TASKQ_DB_URL: unknown parameter '" + key + "' (taskq reads sslmode and sslrootcert)");
      }
      if (keyValue.length < 2 || keyValue[1].isEmpty()) {
        throw new IllegalArgumentException("TASKQ_DB_URL: " + key + " needs a value");
      }
      if (parameters.put(key, decode(keyValue[1])) != null) {
        throw new IllegalArgumentException("TASKQ_DB_URL: " + key + " is given twice");
      }
    }
    return parameters;
  }

  public DatabaseTarget withDatabase(String name) {
    return new DatabaseTarget(host, port, name, user, password, tls);
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
    tls.applyTo(properties);
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
    tls.applyTo(options);
    return options;
  }

  /** For logs, and a URL that reaches the same database: everything but the password. */
  public String describe() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database + tls.urlParameters();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
