package io.taskq.db;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * How taskq's connections to PostgreSQL use TLS, from {@code sslmode} and {@code sslrootcert} in
 * TASKQ_DB_URL, with libpq's meanings, applied alike to both clients taskq has: pgjdbc (Liquibase,
 * the database creator, the CLI) and the Vert.x client (pools, LISTEN). Every value is checked
 * when the URL is read, so a mistake stops the start instead of downgrading to plain text.
 *
 * @param mode what is asked of the server
 * @param rootCertificate the CA certificates (PEM) a server's certificate must chain to; null
 *     when the mode verifies nothing
 */
public record DatabaseTls(Mode mode, Path rootCertificate) {

  public enum Mode {
    /** Plain text only. */
    DISABLE("disable"),
    /** TLS when the server offers it, plain text otherwise; the certificate is not checked. */
    PREFER("prefer"),
    /** TLS or no connection; the certificate is not checked. */
    REQUIRE("require"),
    /** TLS, and the certificate chains to {@code sslrootcert}. */
    VERIFY_CA("verify-ca"),
    /** As verify-ca, and the certificate names the host of the URL. */
    VERIFY_FULL("verify-full");

    final String value;

    Mode(String value) {
      this.value = value;
    }

    boolean verifiesChain() {
      return this == VERIFY_CA || this == VERIFY_FULL;
    }

    static Mode of(String value) {
      for (Mode mode : values()) {
        if (mode.value.equals(value)) {
          return mode;
        }
      }
      throw new IllegalArgumentException("TASKQ_DB_URL: sslmode must be one of "
          + Arrays.stream(values()).map(m -> m.value).collect(Collectors.joining(", ")) + ", got '" + value + "'");
    }
  }

  /** For a PostgreSQL taskq started itself on this machine: it has no certificate. */
  public static final DatabaseTls DISABLED = new DatabaseTls(Mode.DISABLE, null);

  /**
   * With no sslmode in the URL: libpq's and pgjdbc's default, so that a URL means to taskq what it
   * means to psql (and what it already meant to taskq's migrations, which run on pgjdbc).
   */
  public static final DatabaseTls DEFAULT = new DatabaseTls(Mode.PREFER, null);

  /**
   * From the URL's parameters, either of which may be null (absent). As in libpq, {@code require}
   * with a root certificate checks the chain as {@code verify-ca} does; unlike libpq, the verifying
   * modes need {@code sslrootcert} (there is no {@code ~/.postgresql/root.crt} fallback: the
   * trusted CA is named where the connection is configured).
   */
  static DatabaseTls of(String sslmode, String sslrootcert) {
    Mode mode = sslmode == null ? DEFAULT.mode : Mode.of(sslmode);
    if (sslrootcert == null) {
      if (mode.verifiesChain()) {
        throw new IllegalArgumentException("TASKQ_DB_URL: sslmode=" + mode.value
            + " needs sslrootcert=/path/to/ca.pem (the CA that signed the server's certificate)");
      }
      return new DatabaseTls(mode, null);
    }
    if (mode == Mode.DISABLE || mode == Mode.PREFER) {
      throw new IllegalArgumentException("TASKQ_DB_URL: sslrootcert is used only with sslmode=verify-ca, verify-full or require, got sslmode="
          + mode.value + (sslmode == null ? " (the default)" : ""));
    }
    // Absolute, so that both clients read the same file: Vert.x would also look a relative path up
    // on the classpath.
    Path root = Path.of(sslrootcert).toAbsolutePath().normalize();
    requireCertificates(root);
    return new DatabaseTls(mode == Mode.REQUIRE ? Mode.VERIFY_CA : mode, root);
  }

  /** Reads the file now: an unreadable or empty root would otherwise fail each connection later, far from its cause. */
  private static void requireCertificates(Path root) {
    if (!Files.isRegularFile(root) || !Files.isReadable(root)) {
      throw new IllegalArgumentException("TASKQ_DB_URL: sslrootcert " + root + " is not a readable file");
    }
    try (InputStream in = Files.newInputStream(root)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new IllegalArgumentException("TASKQ_DB_URL: sslrootcert " + root + " holds no certificate");
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException("TASKQ_DB_URL: sslrootcert " + root + " is not a PEM certificate file");
    }
  }

  void applyTo(PgConnectOptions options) {
    options.setSslMode(switch (mode) {
      case DISABLE -> SslMode.DISABLE;
      case PREFER -> SslMode.PREFER;
      case REQUIRE -> SslMode.REQUIRE;
      case VERIFY_CA -> SslMode.VERIFY_CA;
      case VERIFY_FULL -> SslMode.VERIFY_FULL;
    });
    if (mode == Mode.DISABLE) {
      return;
    }
    ClientSSLOptions ssl = new ClientSSLOptions();
    if (mode.verifiesChain()) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(rootCertificate.toString()))
          // "HTTPS" is RFC 2818's check of the name against the certificate's subjectAltName, as libpq does.
          .setHostnameVerificationAlgorithm(mode == Mode.VERIFY_FULL ? "HTTPS" : "");
    } else {
      // libpq's prefer and require encrypt without authenticating the server.
      ssl.setTrustAll(true).setHostnameVerificationAlgorithm("");
    }
    options.setSslOptions(ssl);
  }

  /** pgjdbc reads libpq's parameter names and values. */
  void applyTo(Properties jdbc) {
    jdbc.setProperty("sslmode", mode.value);
    if (rootCertificate != null) {
      jdbc.setProperty("sslrootcert", rootCertificate.toString());
    }
  }

  /** The URL parameters that give this back, empty for the default. */
  String urlParameters() {
    if (equals(DEFAULT)) {
      return "";
    }
    return "?sslmode=" + mode.value + (rootCertificate == null ? "" : "&sslrootcert="
        + URLEncoder.encode(rootCertificate.toString(), StandardCharsets.UTF_8).replace("%2F", "/"));
  }
}
