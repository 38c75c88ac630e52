package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.JobId;
import com.snapasset.QueueException;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.JobQueueContract;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.BaseImageCache;
import com.snapasset.spi.BaseImageCacheContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The queue and the cache over TLS to a real {@code redis-server} that demands a client
 * certificate and a password, with certificates made in the test: both contracts, then what each
 * verification setting accepts and refuses, and that the password shows up nowhere.
 */
class RedisTlsTest extends JobQueueContract {
  private static final String PASSWORD = "tls-s3cret-pw";
  private static Path dir;
  private static TestCertificates certs;
  private static RedisTestServer server;
  private static int tlsPort;

  @BeforeAll
  static void startTlsServer() throws Exception {
    RedisServerVersion.requireRedis7("Redis TLS tests");
    dir = Files.createTempDirectory("snapasset-tls-");
    certs = TestCertificates.generate(dir);
    tlsPort = RedisTestServer.freePort();
    server = tlsServer(tlsPort);
  }

  /** A redis-server on {@code port} that demands TLS with a client certificate and the password. */
  private static RedisTestServer tlsServer(int port, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--tls-port", Integer.toString(port),
        "--tls-cert-file", certs.serverCertPem.toString(), "--tls-key-file", certs.serverKeyPem.toString(),
        "--tls-ca-cert-file", certs.caPem.toString(), "--tls-auth-clients", "yes", "--requirepass", PASSWORD));
    args.addAll(List.of(extra));
    return RedisTestServer.start(false, args.toArray(String[]::new));
  }

  @AfterAll
  static void stopTlsServer() throws Exception {
    if (server != null) {
      server.close();
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static String url(String host) {
    return "rediss://:" + PASSWORD + "@" + host + ":" + tlsPort;
  }

  /** Trusts the test CA (PEM), presents the client certificate, verifies fully. */
  private static RedisTls fullTls() {
    return RedisTls.builder().trustCertificates(certs.caPem)
        .keyStore(certs.clientP12, TestCertificates.PASSWORD).build();
  }

  @Override
  protected boolean reportsLastReady() {
    return true; // claim.lua answers it
  }

  @Override
  protected JobQueue createQueue(Clock clock) {
    return RedisJobQueue.builder().url(url("127.0.0.1")).tls(fullTls())
        .queueName("tls-" + UUID.randomUUID()).clock(clock).build();
  }

  @Nested
  class Cache extends BaseImageCacheContract {
    private RedisBaseImageCache shared;

    @Override
    protected BaseImageCache createCache() {
      if (shared == null) {
        // A PKCS#12 trust store this time.
        shared = RedisBaseImageCache.builder().url(url("127.0.0.1")).tls(RedisTls.builder()
            .trustStore(certs.caP12, TestCertificates.PASSWORD)
            .keyStore(certs.clientP12, TestCertificates.PASSWORD).build()).build();
      }
      return shared;
    }
  }

  @Test
  void inMemoryStoresAreCopiedAndConnect() throws Exception {
    KeyStore trust = KeyStore.getInstance(certs.caP12.toFile(), TestCertificates.PASSWORD);
    KeyStore keys = KeyStore.getInstance(certs.clientP12.toFile(), TestCertificates.PASSWORD);
    char[] keyPassword = TestCertificates.PASSWORD.clone();
    RedisTls tls = RedisTls.builder().trustStore(trust).keyStore(keys, keyPassword).build();
    java.util.Arrays.fill(keyPassword, 'x'); // the builder copied the keys: clearing the caller's array is safe
    keys.deleteEntry("client");
    assertWorks(tls, "127.0.0.1");
    assertThat(tls.toString()).contains("keyStore=in-memory").doesNotContain(new String(TestCertificates.PASSWORD));
    String wrong = "wrong-key-pw-3";
    KeyStore fresh = KeyStore.getInstance(certs.clientP12.toFile(), TestCertificates.PASSWORD);
    assertThatThrownBy(() -> RedisTls.builder().keyStore(fresh, wrong.toCharArray()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("keyStore is not usable")
        .satisfies(e -> assertThat(chain(e)).doesNotContain(wrong));
    assertThatThrownBy(() -> RedisTls.builder().keyStore(trust, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no private key");
  }

  @Test
  void withoutAClientCertificateTheServerRefuses() {
    RedisTls noClientCert = RedisTls.builder().trustCertificates(certs.caPem).build();
    assertRefused(noClientCert, "127.0.0.1", null);
  }

  @Test
  void anUntrustedServerIsRefused() {
    // The JVM's default trust store does not know the test CA.
    RedisTls defaults = RedisTls.builder().keyStore(certs.clientP12, TestCertificates.PASSWORD).build();
    assertRefused(defaults, "127.0.0.1", CertificateException.class);
  }

  @Test
  void fullVerificationRefusesAHostTheCertificateDoesNotName() {
    // The certificate names redis.test and 127.0.0.1, not localhost.
    assertRefused(fullTls(), "localhost", CertificateException.class);
    RedisTls caOnly = RedisTls.builder().trustCertificates(certs.caPem)
        .keyStore(certs.clientP12, TestCertificates.PASSWORD).verification(RedisTls.Verification.CA).build();
    assertWorks(caOnly, "localhost");
  }

  /** Full verification and the client certificate, offering only TLS 1.3 and two of its suites. */
  private static RedisTls tls13Only() {
    return RedisTls.builder().trustCertificates(certs.caPem).keyStore(certs.clientP12, TestCertificates.PASSWORD)
        .enabledProtocols("TLSv1.3").ciphers("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256").build();
  }

  @Test
  void enabledProtocolsAndCiphersConnectAndKeepTheHostNameCheck() {
    assertWorks(tls13Only(), "127.0.0.1");
    assertThat(tls13Only().toString())
        .contains("enabledProtocols=[TLSv1.3]", "ciphers=[TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256]");
    // Jedis writes the verification into the SSLParameters that carry the protocols and ciphers:
    // FULL must still refuse a host the certificate does not name, CA must still accept it.
    assertRefused(tls13Only(), "localhost", CertificateException.class);
    RedisTls caOnly = RedisTls.builder().trustCertificates(certs.caPem)
        .keyStore(certs.clientP12, TestCertificates.PASSWORD).enabledProtocols("TLSv1.3")
        .verification(RedisTls.Verification.CA).build();
    assertWorks(caOnly, "localhost");
  }

  @Test
  void aServerThatAcceptsNoneOfTheOfferedProtocolsIsRefusedWithTheReason() throws Exception {
    int port = RedisTestServer.freePort();
    try (RedisTestServer tls12 = tlsServer(port, "--tls-protocols", "TLSv1.2")) {
      String url = "rediss://:" + PASSWORD + "@127.0.0.1:" + port;
      try (RedisBaseImageCache c = RedisBaseImageCache.builder().url(url).tls(tls13Only()).build()) {
        assertThatThrownBy(() -> c.get("k")).isInstanceOf(com.snapasset.StorageException.class)
            .hasMessageContaining("protocol_version")
            .satisfies(e -> assertThat(chain(e)).doesNotContain(PASSWORD));
      }
      // The same server with a TLS 1.2 suite for its EC key: the settings reach the socket.
      RedisTls tls12Only = RedisTls.builder().trustCertificates(certs.caPem)
          .keyStore(certs.clientP12, TestCertificates.PASSWORD).protocol("TLSv1.2")
          .enabledProtocols("TLSv1.2").ciphers("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").build();
      try (RedisJobQueue q = RedisJobQueue.builder().url(url).tls(tls12Only).queueName("tls12").build()) {
        q.add(new NewJob(JobId.of("a"), "p", 0, 1, -1, -1));
        assertThat(q.stats().waiting()).isEqualTo(1);
      }
    }
  }

  @Test
  void theCiphersReachTheSocket() throws Exception {
    // A TLS 1.3 server with one suite: a client offering another suite only must fail the
    // handshake, which it could not if the ciphers stayed out of the socket's parameters.
    int port = RedisTestServer.freePort();
    try (RedisTestServer chacha =
        tlsServer(port, "--tls-protocols", "TLSv1.3", "--tls-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")) {
      String url = "rediss://:" + PASSWORD + "@127.0.0.1:" + port;
      RedisTls aesOnly = trusting().enabledProtocols("TLSv1.3").ciphers("TLS_AES_128_GCM_SHA256").build();
      try (RedisBaseImageCache c = RedisBaseImageCache.builder().url(url).tls(aesOnly).build()) {
        assertThatThrownBy(() -> c.get("k")).isInstanceOf(com.snapasset.StorageException.class)
            .hasMessageContaining("SSLHandshakeException").hasMessageContaining("handshake_failure")
            .satisfies(e -> assertThat(chain(e)).doesNotContain(PASSWORD));
      }
      // The same client without the ciphers setting offers CHACHA20 too and connects.
      RedisTls anyTls13 = trusting().enabledProtocols("TLSv1.3").build();
      try (RedisBaseImageCache c = RedisBaseImageCache.builder().url(url).tls(anyTls13).build()) {
        assertThat(c.get("k")).isEmpty();
      }
    }
  }

  @Test
  void anUnknownOrUnusableProtocolOrCipherFailsWhenTheQueueIsBuiltNamingIt() {
    assertBuildFails(trusting().ciphers("TLS_AES_128_GCM_SHA256", "TLS_NO_SUCH_CIPHER"), "TLS_NO_SUCH_CIPHER");
    assertBuildFails(trusting().enabledProtocols("TLSv1.4"), "TLSv1.4");
    assertBuildFails(trusting().protocol("TLSv9"), "TLSv9");
    // Known names the JVM cannot use together: a TLS 1.2 suite with TLS 1.3 only, a disabled version.
    assertBuildFails(trusting().enabledProtocols("TLSv1.3").ciphers("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    assertBuildFails(trusting().enabledProtocols("TLSv1"), "enabledProtocols=[TLSv1]");
    assertBuildFails(trusting().protocol("TLSv1.1"), "protocol=TLSv1.1");
  }

  private static RedisTls.Builder trusting() {
    return RedisTls.builder().trustCertificates(certs.caPem).keyStore(certs.clientP12, TestCertificates.PASSWORD);
  }

  private static void assertBuildFails(RedisTls.Builder tls, String named) {
    assertThatThrownBy(() -> RedisJobQueue.builder().url(url("127.0.0.1")).tls(tls.build()).queueName("bad").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Redis TLS settings are not usable").hasMessageContaining(named)
        .satisfies(e -> assertThat(chain(e)).doesNotContain(PASSWORD)
            .doesNotContain(new String(TestCertificates.PASSWORD)));
  }

  @Test
  void noVerificationAcceptsAnyServer() {
    RedisTls none = RedisTls.builder().keyStore(certs.clientP12, TestCertificates.PASSWORD)
        .verification(RedisTls.Verification.NONE).build();
    assertWorks(none, "localhost");
  }

  @Test
  void aWrongPasswordFailsWithoutShowingIt() {
    String wrong = "not-the-pw-42";
    try (RedisJobQueue q = RedisJobQueue.builder().url("rediss://:" + wrong + "@127.0.0.1:" + tlsPort)
        .tls(fullTls()).queueName("auth").build()) {
      assertThatThrownBy(q::stats).isInstanceOf(QueueException.class)
          .satisfies(e -> assertThat(chain(e)).doesNotContain(wrong).doesNotContain(PASSWORD));
    }
  }

  @Test
  void thePasswordAppearsInNoDescription() {
    try (RedisJobQueue q = RedisJobQueue.builder().url(url("127.0.0.1")).tls(fullTls()).queueName("desc").build()) {
      assertThat(q.toString()).doesNotContain(PASSWORD);
      assertThat(RedisEndpoint.parse(url("127.0.0.1")).toString())
          .isEqualTo("rediss://127.0.0.1:" + tlsPort).doesNotContain(PASSWORD);
      assertThat(fullTls().toString()).doesNotContain(new String(TestCertificates.PASSWORD));
    }
  }

  @Test
  void tlsSettingsNeedATlsUrl() {
    assertThatThrownBy(() -> RedisJobQueue.builder().url("redis://127.0.0.1:" + server.port()).tls(fullTls()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rediss://");
    try (redis.clients.jedis.RedisClient own = redis.clients.jedis.RedisClient.create("127.0.0.1", server.port())) {
      assertThatThrownBy(() -> RedisBaseImageCache.builder().client(own).tls(fullTls()).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("tls(..)");
    }
  }

  private static void assertWorks(RedisTls tls, String host) {
    try (RedisJobQueue q = RedisJobQueue.builder().url(url(host)).tls(tls).queueName("works-" + UUID.randomUUID())
        .build()) {
      q.add(new NewJob(JobId.of("a"), "p", 0, 1, -1, -1));
      assertThat(q.stats().waiting()).isEqualTo(1);
    }
  }

  private static void assertRefused(RedisTls tls, String host, Class<? extends Throwable> rootCause) {
    try (RedisBaseImageCache c = RedisBaseImageCache.builder().url(url(host)).tls(tls).build()) {
      ThrowingCallable get = () -> c.get("k");
      assertThatThrownBy(get).isInstanceOf(com.snapasset.StorageException.class)
          .satisfies(e -> assertThat(chain(e)).doesNotContain(PASSWORD))
          .satisfies(e -> {
            if (rootCause != null) {
              assertThat(hasCause(e, rootCause)).as("caused by %s: %s", rootCause.getSimpleName(), chain(e)).isTrue();
            }
          });
    }
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String chain(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      s.append(t).append(" <- ");
    }
    return s.toString();
  }
}
