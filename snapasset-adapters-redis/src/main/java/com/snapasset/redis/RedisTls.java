package com.snapasset.redis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

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
 * <p>The TLS protocol versions and cipher suites may be narrowed as a Spring Boot SSL bundle's
 * {@code protocol} and {@code options} do ({@link Builder#protocol}, {@link
 * Builder#enabledProtocols}, {@link Builder#ciphers}); by default the JVM's choice applies.
 *
 * <p>Files are read when a queue or cache is built. Stores already in memory (e.g. from a Spring
 * Boot SSL bundle) are copied when handed to the builder. Passwords are copied and never appear in
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
  /** An in-memory trust store's certificates, as a JKS store under {@link #IN_MEMORY_PASSWORD}. */
  private final byte @Nullable [] trustStoreCopy;
  /** An in-memory key store's keys and chains, as a JKS store under {@link #IN_MEMORY_PASSWORD}. */
  private final byte @Nullable [] keyStoreCopy;
  private final Verification verification;
  private final String protocol;
  private final String @Nullable [] enabledProtocols;
  private final String @Nullable [] ciphers;

  /**
   * Protects nothing: the in-memory copies live only in this process, beside the keys they were
   * copied from. (Jedis needs some password to read them.)
   */
  private static final char[] IN_MEMORY_PASSWORD = "snapasset".toCharArray();

  /** The SSL context protocol unless the builder says otherwise: the JVM's newest TLS versions. */
  private static final String DEFAULT_PROTOCOL = "TLS";

  private RedisTls(Builder b) {
    this.trustCertificates = b.trustCertificates;
    this.trustStore = b.trustStore;
    this.trustStorePassword = b.trustStorePassword == null ? null : b.trustStorePassword.clone();
    this.keyStore = b.keyStore;
    this.keyStorePassword = b.keyStorePassword == null ? null : b.keyStorePassword.clone();
    this.trustStoreCopy = b.trustStoreCopy;
    this.keyStoreCopy = b.keyStoreCopy;
    this.verification = b.verification;
    this.protocol = b.protocol;
    this.enabledProtocols = b.enabledProtocols == null ? null : b.enabledProtocols.clone();
    this.ciphers = b.ciphers == null ? null : b.ciphers.clone();
  }

  /**
   * A builder; every setting is optional.
   *
   * @return a new builder: the JVM's trusted authorities, no client certificate, full verification
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * How the server's certificate is checked.
   *
   * @return the verification mode, {@link Verification#FULL} unless the builder said otherwise
   */
  public Verification verification() {
    return verification;
  }

  /**
   * These settings as Jedis' {@link SslOptions}. Jedis builds an SSL context from them for each new
   * connection (so renewed files are picked up); they are tried once here, so a missing file, a
   * wrong password or a protocol or cipher suite this JVM cannot use fails when the queue or cache
   * is built.
   */
  SslOptions sslOptions() {
    // A new SSLParameters for each SslOptions: Jedis writes the verification mode into it (FULL
    // sets the "HTTPS" endpoint identification, CA clears it) each time it makes an SSL context,
    // so the host name check survives the protocols and ciphers set here.
    SSLParameters parameters = new SSLParameters();
    if (enabledProtocols != null) {
      parameters.setProtocols(enabledProtocols.clone());
    }
    if (ciphers != null) {
      parameters.setCipherSuites(ciphers.clone());
    }
    SslOptions.Builder b = SslOptions.builder().sslProtocol(protocol).sslParameters(parameters)
        .sslVerifyMode(switch (verification) {
          case FULL -> SslVerifyMode.FULL;
          case CA -> SslVerifyMode.CA;
          case NONE -> SslVerifyMode.INSECURE;
        });
    try {
      // Jedis reads trust stores only: a PEM's certificates, like a store handed over in memory,
      // go to it as an in-memory JKS store (JKS, not PKCS#12: Jedis loads it for every new
      // connection, and PKCS#12's key derivation is slow). The builder keeps one of the three.
      byte[] trusted = trustCertificates != null ? pemTrustStore(trustCertificates) : trustStoreCopy;
      if (trusted != null) {
        b.truststore(inMemory(trusted), IN_MEMORY_PASSWORD.clone()).trustStoreType("JKS");
      } else if (trustStore != null) {
        b.truststore(trustStore.toFile(), password(trustStorePassword)).trustStoreType(storeType(trustStore));
      }
      if (keyStore != null) {
        b.keystore(keyStore.toFile(), password(keyStorePassword)).keyStoreType(storeType(keyStore));
      } else if (keyStoreCopy != null) {
        b.keystore(inMemory(keyStoreCopy), IN_MEMORY_PASSWORD.clone()).keyStoreType("JKS");
      }
      SslOptions options = b.build();
      SSLContext context = options.createSslContext();
      if (enabledProtocols != null || ciphers != null || !DEFAULT_PROTOCOL.equals(protocol)) {
        tryHello(context);
      }
      return options;
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      // The cause names the file, the algorithm, the protocol or the cipher; never a password.
      throw new IllegalArgumentException("Redis TLS settings are not usable"
          + (isProtocolOrCipher(e) ? " (" + suiteSettings() + ")" : "") + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a client hello with the enabled protocols and ciphers into memory, as the first
   * connection would: the JVM refuses unknown names only when they are set on a socket, and only
   * versions it disables (TLSv1.1, say, also as the context's protocol) or ciphers no enabled
   * protocol can use only when the handshake starts. Without this a typo would fail every
   * connection instead of the start-up.
   */
  private void tryHello(SSLContext context) throws SSLException {
    SSLEngine engine = context.createSSLEngine();
    try {
      engine.setUseClientMode(true);
      SSLParameters parameters = engine.getSSLParameters();
      if (enabledProtocols != null) {
        parameters.setProtocols(enabledProtocols.clone());
      }
      if (ciphers != null) {
        parameters.setCipherSuites(ciphers.clone());
      }
      engine.setSSLParameters(parameters);
      engine.beginHandshake();
      engine.wrap(ByteBuffer.allocate(0), ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
    } finally {
      engine.closeOutbound();
    }
  }

  private boolean isProtocolOrCipher(Exception e) {
    boolean narrowed = enabledProtocols != null || ciphers != null || !DEFAULT_PROTOCOL.equals(protocol);
    return narrowed && (e instanceof IllegalArgumentException || e instanceof SSLException
        || e instanceof NoSuchAlgorithmException);
  }

  /** The protocol, enabled protocols and ciphers that differ from the JVM's choice. */
  private String suiteSettings() {
    StringBuilder s = new StringBuilder("protocol=").append(protocol);
    if (enabledProtocols != null) {
      s.append(", enabledProtocols=").append(Arrays.toString(enabledProtocols));
    }
    if (ciphers != null) {
      s.append(", ciphers=").append(Arrays.toString(ciphers));
    }
    return s.toString();
  }

  private static byte[] pemTrustStore(Path pem) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("JKS");
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
    return serialize(store);
  }

  private static SslOptions.Resource inMemory(byte[] store) {
    return () -> new ByteArrayInputStream(store);
  }

  private static byte[] serialize(KeyStore store) throws IOException, GeneralSecurityException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.store(out, IN_MEMORY_PASSWORD);
    return out.toByteArray();
  }

  /**
   * The certificates a trust manager would trust in {@code source} (its certificate entries and
   * the first certificate of each key entry, as the JDK's trust manager reads a store), as a JKS
   * store: JKS because Jedis loads it for every new connection, and PKCS#12's key derivation is slow.
   */
  private static byte[] copyTrusted(KeyStore source) throws IOException, GeneralSecurityException {
    KeyStore copy = KeyStore.getInstance("JKS");
    copy.load(null, null);
    for (String alias : Collections.list(source.aliases())) {
      Certificate c = source.isCertificateEntry(alias) ? source.getCertificate(alias) : null;
      if (c == null && source.isKeyEntry(alias)) {
        Certificate[] chain = source.getCertificateChain(alias);
        c = chain == null || chain.length == 0 ? null : chain[0];
      }
      if (c != null) {
        copy.setCertificateEntry(alias, c);
      }
    }
    if (copy.size() == 0) {
      throw new GeneralSecurityException("the trust store holds no certificate");
    }
    return serialize(copy);
  }

  /**
   * The private keys of {@code source} with their certificate chains, as a JKS store under {@link
   * #IN_MEMORY_PASSWORD}: JKS because it holds private keys and, unlike PKCS#12, needs no slow key
   * derivation when Jedis loads it for a new connection.
   */
  private static byte[] copyKeys(KeyStore source, char @Nullable [] keyPassword)
      throws IOException, GeneralSecurityException {
    KeyStore copy = KeyStore.getInstance("JKS");
    copy.load(null, null);
    for (String alias : Collections.list(source.aliases())) {
      if (!source.isKeyEntry(alias)) {
        continue;
      }
      Key key = source.getKey(alias, keyPassword);
      Certificate[] chain = source.getCertificateChain(alias);
      if (key instanceof PrivateKey && chain != null && chain.length > 0) {
        copy.setKeyEntry(alias, key, IN_MEMORY_PASSWORD, chain);
      }
    }
    if (copy.size() == 0) {
      throw new GeneralSecurityException("the key store holds no private key with a certificate chain");
    }
    return serialize(copy);
  }

  /** The type a key store file really has (PKCS#12 or JKS), read from its content. */
  private static String storeType(Path file) throws IOException, GeneralSecurityException {
    return KeyStore.getInstance(file.toFile(), (char[]) null).getType();
  }

  private static char[] password(char @Nullable [] password) {
    return password == null ? new char[0] : password.clone();
  }

  @Override
  public String toString() {
    return "RedisTls[verification=" + verification
        + (trustCertificates != null ? ", trustCertificates=" + trustCertificates : "")
        + (trustStore != null ? ", trustStore=" + trustStore : "")
        + (trustStoreCopy != null ? ", trustStore=in-memory" : "")
        + (keyStore != null ? ", keyStore=" + keyStore : "")
        + (keyStoreCopy != null ? ", keyStore=in-memory" : "")
        + (!DEFAULT_PROTOCOL.equals(protocol) ? ", protocol=" + protocol : "")
        + (enabledProtocols != null ? ", enabledProtocols=" + Arrays.toString(enabledProtocols) : "")
        + (ciphers != null ? ", ciphers=" + Arrays.toString(ciphers) : "") + "]";
  }

  /** Builds {@link RedisTls}; {@link #build()} leaves the builder unchanged. */
  public static final class Builder {
    private @Nullable Path trustCertificates;
    private @Nullable Path trustStore;
    private char @Nullable [] trustStorePassword;
    private @Nullable Path keyStore;
    private char @Nullable [] keyStorePassword;
    private byte @Nullable [] trustStoreCopy;
    private byte @Nullable [] keyStoreCopy;
    private Verification verification = Verification.FULL;
    private String protocol = DEFAULT_PROTOCOL;
    private String @Nullable [] enabledProtocols;
    private String @Nullable [] ciphers;

    private Builder() {}

    /**
     * Trust the certificate authorities in this PEM file (e.g. Redis' {@code ca.crt}) instead of the
     * JVM's defaults; replaces a {@link #trustStore} set before.
     *
     * @param pemFile a readable PEM file of one or more CA certificates
     * @return this builder
     * @throws IllegalArgumentException when the file does not exist or is not readable
     */
    public Builder trustCertificates(Path pemFile) {
      this.trustCertificates = readable("trustCertificates", pemFile);
      this.trustStore = null;
      this.trustStoreCopy = null;
      return this;
    }

    /**
     * Trust the certificates in this PKCS#12 or JKS file instead of the JVM's defaults; replaces
     * a trust store or {@link #trustCertificates} set before.
     *
     * @param file a readable PKCS#12 or JKS trust store
     * @param password the store's password, or null for none; copied, so the caller may clear it
     * @return this builder
     * @throws IllegalArgumentException when the file does not exist or is not readable
     */
    public Builder trustStore(Path file, char @Nullable [] password) {
      this.trustStore = readable("trustStore", file);
      this.trustStorePassword = password == null ? null : password.clone();
      this.trustCertificates = null;
      this.trustStoreCopy = null;
      return this;
    }

    /**
     * Trust the certificates in this loaded key store (e.g. a Spring Boot SSL bundle's trust store)
     * instead of the JVM's defaults: its certificate entries and each key entry's own certificate.
     * They are copied now, so later changes to {@code store} do not apply. Replaces a trust store or
     * {@link #trustCertificates} set before.
     *
     * @param store a loaded key store of any type
     * @return this builder
     * @throws IllegalArgumentException when the store is not loaded or holds no certificate
     */
    public Builder trustStore(KeyStore store) {
      Objects.requireNonNull(store, "store");
      try {
        this.trustStoreCopy = copyTrusted(store);
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException("trustStore is not usable: " + e.getMessage(), e);
      }
      this.trustStore = null;
      this.trustStorePassword = null;
      this.trustCertificates = null;
      return this;
    }

    /**
     * Present the client certificate (and key) in this PKCS#12 or JKS file, for servers started
     * with {@code tls-auth-clients yes}. A PEM pair converts with {@code openssl pkcs12 -export}.
     *
     * @param file a readable PKCS#12 or JKS key store holding the client certificate and its key
     * @param password the store's password, or null for none; copied, so the caller may clear it
     * @return this builder
     * @throws IllegalArgumentException when the file does not exist or is not readable
     */
    public Builder keyStore(Path file, char @Nullable [] password) {
      this.keyStore = readable("keyStore", file);
      this.keyStorePassword = password == null ? null : password.clone();
      this.keyStoreCopy = null;
      return this;
    }

    /**
     * Present the client certificates (and keys) in this loaded key store (e.g. a Spring Boot SSL
     * bundle's key store), for servers started with {@code tls-auth-clients yes}. Every private key
     * entry is copied now, with its certificate chain, so later changes to {@code store} do not
     * apply and the caller may clear {@code keyPassword}. Replaces a key store set before.
     *
     * @param store a loaded key store of any type holding at least one private key and its chain
     * @param keyPassword the password of the keys in the store, or null for none
     * @return this builder
     * @throws IllegalArgumentException when the store is not loaded, a key cannot be read with
     *     {@code keyPassword}, or the store holds no private key with a certificate chain
     */
    public Builder keyStore(KeyStore store, char @Nullable [] keyPassword) {
      Objects.requireNonNull(store, "store");
      try {
        this.keyStoreCopy = copyKeys(store, keyPassword);
      } catch (IOException | GeneralSecurityException e) {
        // The cause names the algorithm or the entry; it never holds a password.
        throw new IllegalArgumentException("keyStore is not usable: " + e.getMessage(), e);
      }
      this.keyStore = null;
      this.keyStorePassword = null;
      return this;
    }

    /**
     * How strictly the server is checked. Default {@link Verification#FULL}.
     *
     * @param verification the verification mode
     * @return this builder
     */
    public Builder verification(Verification verification) {
      this.verification = Objects.requireNonNull(verification, "verification");
      return this;
    }

    /**
     * The protocol the SSL context is made for, as a Spring Boot SSL bundle's {@code protocol} and
     * {@link SSLContext#getInstance(String)} name it; default {@code "TLS"}. It does not limit the
     * versions a connection offers (a {@code "TLSv1.3"} context still offers TLS 1.2): to offer only
     * certain versions use {@link #enabledProtocols(String...)}. A name this JVM does not know
     * fails when a queue or cache is built from the settings.
     *
     * @param protocol an SSL context protocol such as {@code "TLS"} or {@code "TLSv1.3"}
     * @return this builder
     * @throws IllegalArgumentException when {@code protocol} is blank
     */
    public Builder protocol(String protocol) {
      Objects.requireNonNull(protocol, "protocol");
      if (protocol.isBlank()) {
        throw new IllegalArgumentException("protocol must not be blank: use an SSL context protocol such as TLS "
            + "(the default) or TLSv1.3");
      }
      this.protocol = protocol;
      return this;
    }

    /**
     * Offer only these TLS versions (a Spring Boot SSL bundle's {@code options.enabled-protocols}),
     * e.g. {@code "TLSv1.3"}; by default those the JVM enables. A name this JVM does not know, or
     * only versions it disables, fail when a queue or cache is built from the settings (a disabled
     * version beside a usable one is skipped); a server that accepts none of them refuses each
     * connection.
     *
     * @param protocols one or more protocol names, as {@link SSLParameters#setProtocols} takes them
     * @return this builder
     * @throws IllegalArgumentException when no name is given or a name is blank
     */
    public Builder enabledProtocols(String... protocols) {
      this.enabledProtocols = names("enabledProtocols", protocols, "such as TLSv1.3 or TLSv1.2");
      return this;
    }

    /**
     * Offer only these cipher suites (a Spring Boot SSL bundle's {@code options.ciphers}), e.g.
     * {@code "TLS_AES_256_GCM_SHA384"}; by default those the JVM enables. A name this JVM does not
     * know, or suites none of the enabled protocols can use, fail when a queue or cache is built
     * from the settings; a server that accepts none of them refuses each connection.
     *
     * @param ciphers one or more cipher suite names, as {@link SSLParameters#setCipherSuites}
     *     takes them (the standard names, as in {@code TLS_AES_128_GCM_SHA256})
     * @return this builder
     * @throws IllegalArgumentException when no name is given or a name is blank
     */
    public Builder ciphers(String... ciphers) {
      this.ciphers = names("ciphers", ciphers, "such as TLS_AES_128_GCM_SHA256");
      return this;
    }

    /**
     * The settings; files are read when a client is built from them.
     *
     * @return the TLS settings
     */
    public RedisTls build() {
      return new RedisTls(this);
    }

    private static String[] names(String setting, String[] names, String example) {
      Objects.requireNonNull(names, setting);
      if (names.length == 0) {
        throw new IllegalArgumentException(setting + " must name at least one, " + example
            + " (leave it unset for the JVM's defaults)");
      }
      for (String n : names) {
        if (n == null || n.isBlank()) {
          throw new IllegalArgumentException(setting + " holds a blank name: " + Arrays.toString(names)
              + "; expected names " + example);
        }
      }
      return names.clone();
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
