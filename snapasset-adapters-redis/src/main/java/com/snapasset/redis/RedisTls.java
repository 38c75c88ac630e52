package com.snapasset.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS settings for {@code rediss://} connections (standalone, Sentinel and Cluster alike): which
 * certificate authorities to trust, an optional client certificate, and how strictly to check the
 * server. Without them a {@code rediss://} URL uses the JVM's default trust store and full
 * verification.
 *
 * <pre>{@code
 * RedisTls tls = RedisTls.builder()
 *     .trustCertificates(Path.of("/etc/redis/ca.crt"))            // PEM
 *     .keyStore(Path.of("/etc/snapasset/client.p12"), password)   // client certificate (mTLS)
 *     .build();
 * RedisJobQueue.builder().url("rediss://redis.internal:6380").tls(tls).build();
 * }</pre>
 *
 * <p>Files are read when a queue or cache is built. Passwords are copied and never appear in
 * {@link #toString()} or in messages. Immutable and thread-safe.
 */
public final class RedisTls {
  /** How the server's certificate is checked. */
  public enum Verification {
    /** A trusted chain and a host name (or IP address) that matches the certificate. The default. */
    FULL,
    /** A trusted chain; the host name is not compared (certificates issued for other names). */
    CA,
    /** Nothing is checked: the connection is encrypted but open to impersonation. Tests only. */
    NONE
  }

  private final @Nullable Path trustCertificates;
  private final @Nullable Path trustStore;
  private final char @Nullable [] trustStorePassword;
  private final @Nullable Path keyStore;
  private final char @Nullable [] keyStorePassword;
  private final Verification verification;

  private RedisTls(Builder b) {
    this.trustCertificates = b.trustCertificates;
    this.trustStore = b.trustStore;
    this.trustStorePassword = b.trustStorePassword == null ? null : b.trustStorePassword.clone();
    this.keyStore = b.keyStore;
    this.keyStorePassword = b.keyStorePassword == null ? null : b.keyStorePassword.clone();
    this.verification = b.verification;
  }

  /** A builder; every setting is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** How the server's certificate is checked. */
  public Verification verification() {
    return verification;
  }

  /** An SSL context for these settings; reads the files now. */
  SSLContext sslContext() {
    try {
      TrustManager[] trust;
      if (verification == Verification.NONE) {
        trust = new TrustManager[] {new TrustEverything()};
      } else if (trustCertificates != null || trustStore != null) {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustCertificates != null ? pemTrustStore(trustCertificates) : load(trustStore, trustStorePassword));
        trust = tmf.getTrustManagers();
      } else {
        trust = null; // the JVM's default trust store
      }
      KeyManagerFactory kmf = null;
      if (keyStore != null) {
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore, keyStorePassword), keyStorePassword == null ? new char[0] : keyStorePassword);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), trust, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      // The cause names the file or the algorithm; it never holds a password.
      throw new IllegalArgumentException("Redis TLS settings are not usable: " + e.getMessage(), e);
    }
  }

  /** With {@link Verification#FULL}: check the host name as HTTPS does. */
  SSLParameters sslParameters() {
    SSLParameters parameters = new SSLParameters();
    if (verification == Verification.FULL) {
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
    }
    return parameters;
  }

  private static KeyStore pemTrustStore(Path pem) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(pem)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException(pem + " holds no PEM certificate");
    }
    int i = 0;
    for (Certificate c : certificates) {
      store.setCertificateEntry("ca-" + i++, c);
    }
    return store;
  }

  private static KeyStore load(Path file, char @Nullable [] password) throws IOException, GeneralSecurityException {
    // Detects PKCS#12 and JKS from the file's content.
    return KeyStore.getInstance(file.toFile(), password);
  }

  @Override
  public String toString() {
    return "RedisTls[verification=" + verification
        + (trustCertificates != null ? ", trustCertificates=" + trustCertificates : "")
        + (trustStore != null ? ", trustStore=" + trustStore : "")
        + (keyStore != null ? ", keyStore=" + keyStore : "") + "]";
  }

  /** Accepts any server certificate: {@link Verification#NONE}. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Builds {@link RedisTls}; {@link #build()} leaves the builder unchanged. */
  public static final class Builder {
    private @Nullable Path trustCertificates;
    private @Nullable Path trustStore;
    private char @Nullable [] trustStorePassword;
    private @Nullable Path keyStore;
    private char @Nullable [] keyStorePassword;
    private Verification verification = Verification.FULL;

    private Builder() {}

    /** Trust the certificate authorities in this PEM file (e.g. Redis' {@code ca.crt}). */
    public Builder trustCertificates(Path pemFile) {
      this.trustCertificates = readable("trustCertificates", pemFile);
      this.trustStore = null;
      return this;
    }

    /** Trust the certificates in this PKCS#12 or JKS file instead of the JVM's defaults. */
    public Builder trustStore(Path file, char @Nullable [] password) {
      this.trustStore = readable("trustStore", file);
      this.trustStorePassword = password == null ? null : password.clone();
      this.trustCertificates = null;
      return this;
    }

    /**
     * Present the client certificate (and key) in this PKCS#12 or JKS file, for servers started
     * with {@code tls-auth-clients yes}. A PEM pair converts with {@code openssl pkcs12 -export}.
     */
    public Builder keyStore(Path file, char @Nullable [] password) {
      this.keyStore = readable("keyStore", file);
      this.keyStorePassword = password == null ? null : password.clone();
      return this;
    }

    /** How strictly the server is checked. Default {@link Verification#FULL}. */
    public Builder verification(Verification verification) {
      this.verification = Objects.requireNonNull(verification, "verification");
      return this;
    }

    /** The settings; files are read when a client is built from them. */
    public RedisTls build() {
      return new RedisTls(this);
    }

    private static Path readable(String name, Path file) {
      Objects.requireNonNull(file, name);
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException(name + " file " + file + " does not exist or is not readable");
      }
      return file;
    }
  }
}
