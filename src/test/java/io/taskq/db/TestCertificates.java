package io.taskq.db;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for the TLS tests, written as PEM files into a directory: a CA, a server
 * certificate it signs for the DNS name {@code localhost} only (no IP address, so that
 * verify-full against 127.0.0.1 must fail), and a second CA that signed nothing.
 */
final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(1);

  final Path caCertificate;
  final Path otherCaCertificate;
  final Path serverCertificate;
  final Path serverKey;

  private TestCertificates(Path directory) {
    caCertificate = directory.resolve("ca.pem");
    otherCaCertificate = directory.resolve("other-ca.pem");
    serverCertificate = directory.resolve("server.crt");
    serverKey = directory.resolve("server.key");
  }

  static TestCertificates writeTo(Path directory) throws Exception {
    TestCertificates files = new TestCertificates(directory);
    KeyPair ca = keyPair();
    X509Certificate caCert = certificateAuthority("taskq test CA", ca);
    KeyPair server = keyPair();
    X509v3CertificateBuilder serverBuilder = builder(new X500Name("CN=taskq test CA"), "localhost", server)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
    X509Certificate serverCert = sign(serverBuilder, ca);

    Files.writeString(files.caCertificate, pem("CERTIFICATE", caCert.getEncoded()));
    Files.writeString(files.otherCaCertificate, pem("CERTIFICATE", certificateAuthority("another CA", keyPair()).getEncoded()));
    Files.writeString(files.serverCertificate, pem("CERTIFICATE", serverCert.getEncoded()));
    Files.writeString(files.serverKey, pem("PRIVATE KEY", server.getPrivate().getEncoded()));
    // PostgreSQL refuses a key file that others may read.
    Files.setPosixFilePermissions(files.serverKey, PosixFilePermissions.fromString("rw-------"));
    return files;
  }

  private static X509Certificate certificateAuthority(String name, KeyPair keys) throws Exception {
    X509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), name, keys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return sign(builder, keys);
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, String subject, KeyPair subjectKeys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.getAndIncrement()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
        new X500Name("CN=" + subject), subjectKeys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  /** P-256: quick to make, and every client and server here speaks it. */
  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
