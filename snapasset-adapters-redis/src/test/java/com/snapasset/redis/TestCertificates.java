package com.snapasset.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority with a server and a client certificate, made with the {@code
 * openssl} command (milliseconds, where a {@code keytool} JVM per step took seconds on a loaded
 * machine): PEM files for {@code redis-server --tls-*}, PKCS#12 files for the Java side. The server
 * certificate names {@code redis.test} and {@code 127.0.0.1} only, so connecting to {@code
 * localhost} is a host-name mismatch. Public for the starter's tests (test-jar).
 */
public final class TestCertificates {
  /** The password of both PKCS#12 files. */
  public static final char[] PASSWORD = "test-store-pass".toCharArray();

  public final Path caPem;
  public final Path serverCertPem;
  public final Path serverKeyPem;
  /** The client's key and CA-signed certificate. */
  public final Path clientP12;
  /** The CA alone, as a PKCS#12 trust store. */
  public final Path caP12;

  private TestCertificates(Path dir) {
    this.caPem = dir.resolve("ca.crt");
    this.serverCertPem = dir.resolve("server.crt");
    this.serverKeyPem = dir.resolve("server.key");
    this.clientP12 = dir.resolve("client.p12");
    this.caP12 = dir.resolve("ca.p12");
  }

  /**
   * Makes the CA and both certificates in {@code dir} with the {@code openssl} command.
   *
   * @param dir an empty directory
   * @return the files
   * @throws IOException when openssl fails
   * @throws GeneralSecurityException when the trust store cannot be written
   */
  public static TestCertificates generate(Path dir) throws IOException, GeneralSecurityException {
    TestCertificates c = new TestCertificates(dir);
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=SnapAsset Test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    signed(dir, "server", "/CN=redis.test", "subjectAltName=DNS:redis.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    signed(dir, "client", "/CN=snapasset-client", "extendedKeyUsage=clientAuth\n");
    openssl(dir, "pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-certfile", "ca.crt",
        "-name", "client", "-out", "client.p12", "-passout", "pass:" + new String(PASSWORD));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(c.caPem)) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    try (OutputStream out = Files.newOutputStream(c.caP12)) {
      trust.store(out, PASSWORD);
    }
    return c;
  }

  /** NAME.key and NAME.crt, signed by the CA with the given extensions. */
  private static void signed(Path dir, String name, String subject, String extensions) throws IOException {
    openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("the TLS tests make their certificates with the openssl command, which is "
          + "not on PATH: install it (Debian/Ubuntu: apt-get install openssl; CI: bash .ci/run does it)", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("openssl " + args[0] + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
