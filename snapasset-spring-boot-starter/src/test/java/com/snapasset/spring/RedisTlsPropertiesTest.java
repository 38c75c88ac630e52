package com.snapasset.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.redis.RedisBaseImageCache;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.redis.RedisServerVersion;
import com.snapasset.redis.RedisTestServer;
import com.snapasset.redis.TestCertificates;
import com.snapasset.spi.BaseImageCache;
import com.snapasset.spi.JobQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code snapasset.redis.tls.*} against a real {@code redis-server} whose TLS port demands a client
 * certificate and a password, with certificates made for the test.
 */
class RedisTlsPropertiesTest {
  private static final String REDIS_PASSWORD = "tls-starter-pw-7";
  private static final String STORE_PASSWORD = new String(TestCertificates.PASSWORD);
  private static Path certDir;
  private static TestCertificates certs;
  private static RedisTestServer server;
  private static int tlsPort;

  @TempDir Path dir;

  @BeforeAll
  static void startTlsServer() throws Exception {
    RedisServerVersion.requireRedis7("Redis TLS tests");
    certDir = Files.createTempDirectory("snapasset-starter-tls-");
    certs = TestCertificates.generate(certDir);
    tlsPort = RedisTestServer.freePort();
    server = tlsServer(tlsPort);
  }

  /** A redis-server on {@code port} that demands TLS with a client certificate and the password. */
  private static RedisTestServer tlsServer(int port, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--tls-port", Integer.toString(port),
        "--tls-cert-file", certs.serverCertPem.toString(), "--tls-key-file", certs.serverKeyPem.toString(),
        "--tls-ca-cert-file", certs.caPem.toString(), "--tls-auth-clients", "yes", "--requirepass", REDIS_PASSWORD));
    args.addAll(List.of(extra));
    return RedisTestServer.start(false, args.toArray(String[]::new));
  }

  @AfterAll
  static void stopTlsServer() throws Exception {
    if (server != null) {
      server.close();
    }
    if (certDir != null) {
      try (Stream<Path> files = Files.walk(certDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private ApplicationContextRunner runner(String url) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SnapAssetAutoConfiguration.class))
        .withPropertyValues("snapasset.storage.local.directory=" + dir, "snapasset.queue.redis-url=" + url,
            "snapasset.queue.name=tls-" + UUID.randomUUID());
  }

  private static String tlsUrl() {
    return "rediss://:" + REDIS_PASSWORD + "@127.0.0.1:" + tlsPort;
  }

  @Test
  void aPemCaAndAClientCertificateCarryAJobThroughTheQueueAndTheCache() {
    runner(tlsUrl()).withPropertyValues("snapasset.redis.tls.trust-certificates=" + certs.caPem,
            "snapasset.redis.tls.key-store=" + certs.clientP12,
            "snapasset.redis.tls.key-store-password=" + STORE_PASSWORD)
        .run(context -> {
          assertThat(context.getBean(JobQueue.class)).isInstanceOf(RedisJobQueue.class);
          assertThat(context.getBean(BaseImageCache.class)).isInstanceOf(RedisBaseImageCache.class);
          AssetGenerator generator = context.getBean(AssetGenerator.class);
          JobId id = generator.submit(GenerationRequest.of("user-1", "a fox over TLS", List.of("instagram-post")));
          Job job = generator.await(id, Duration.ofMinutes(1));
          assertThat(job.state()).isEqualTo(JobState.COMPLETED);
          BaseImageCache cache = context.getBean(BaseImageCache.class);
          cache.put("tls-check", new byte[] {1, 2, 3}, Duration.ofMinutes(1));
          assertThat(cache.get("tls-check")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
        });
  }

  @Test
  void aTrustStoreAndCaOnlyVerificationAcceptAHostTheCertificateDoesNotName() {
    // The server certificate names redis.test and 127.0.0.1, not localhost.
    runner("rediss://:" + REDIS_PASSWORD + "@localhost:" + tlsPort)
        .withPropertyValues("snapasset.redis.tls.trust-store=" + certs.caP12,
            "snapasset.redis.tls.trust-store-password=" + STORE_PASSWORD,
            "snapasset.redis.tls.key-store=" + certs.clientP12,
            "snapasset.redis.tls.key-store-password=" + STORE_PASSWORD,
            "snapasset.redis.tls.verification=ca")
        .run(context -> {
          JobQueue queue = context.getBean(JobQueue.class);
          assertThat(queue.stats().waiting()).isZero();
        });
  }

  private ApplicationContextRunner bundleRunner(String url) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SnapAssetAutoConfiguration.class))
        .withPropertyValues("snapasset.storage.local.directory=" + dir, "snapasset.queue.redis-url=" + url,
            "snapasset.queue.name=tls-" + UUID.randomUUID());
  }

  @Test
  void aPemSslBundleCarriesAJobThroughTheQueueAndTheCache() {
    Path pem = certDir; // TestCertificates writes ca.crt, client.crt and client.key (PEM) there
    bundleRunner(tlsUrl()).withPropertyValues("snapasset.redis.ssl-bundle=redis",
            "spring.ssl.bundle.pem.redis.truststore.certificate=file:" + pem.resolve("ca.crt"),
            "spring.ssl.bundle.pem.redis.keystore.certificate=file:" + pem.resolve("client.crt"),
            "spring.ssl.bundle.pem.redis.keystore.private-key=file:" + pem.resolve("client.key"))
        .run(context -> {
          assertThat(context.getBean(JobQueue.class)).isInstanceOf(RedisJobQueue.class);
          AssetGenerator generator = context.getBean(AssetGenerator.class);
          JobId id = generator.submit(GenerationRequest.of("user-1", "a fox over a bundle", List.of("instagram-post")));
          assertThat(generator.await(id, Duration.ofMinutes(1)).state()).isEqualTo(JobState.COMPLETED);
          BaseImageCache cache = context.getBean(BaseImageCache.class);
          assertThat(cache).isInstanceOf(RedisBaseImageCache.class);
          cache.put("bundle-check", new byte[] {5, 6}, Duration.ofMinutes(1));
          assertThat(cache.get("bundle-check")).hasValueSatisfying(v -> assertThat(v).containsExactly(5, 6));
        });
  }

  @Test
  void aJksBundleWithAKeyAliasAndCaOnlyVerificationConnectsToAHostTheCertificateDoesNotName() {
    bundleRunner("rediss://:" + REDIS_PASSWORD + "@localhost:" + tlsPort)
        .withPropertyValues("snapasset.redis.ssl-bundle=stores", "snapasset.redis.tls.verification=ca",
            "spring.ssl.bundle.jks.stores.truststore.location=file:" + certs.caP12,
            "spring.ssl.bundle.jks.stores.truststore.password=" + STORE_PASSWORD,
            "spring.ssl.bundle.jks.stores.truststore.type=PKCS12",
            "spring.ssl.bundle.jks.stores.keystore.location=file:" + certs.clientP12,
            "spring.ssl.bundle.jks.stores.keystore.password=" + STORE_PASSWORD,
            "spring.ssl.bundle.jks.stores.keystore.type=PKCS12",
            "spring.ssl.bundle.jks.stores.key.alias=client")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(JobQueue.class).stats().waiting()).isZero();
          assertThat(context.getBean(JobQueue.class).toString()).doesNotContain(STORE_PASSWORD);
        });
  }

  /** A PEM bundle named redis of the test CA and the client certificate. */
  private static String[] pemBundle() {
    return new String[] {"snapasset.redis.ssl-bundle=redis",
        "spring.ssl.bundle.pem.redis.truststore.certificate=file:" + certDir.resolve("ca.crt"),
        "spring.ssl.bundle.pem.redis.keystore.certificate=file:" + certDir.resolve("client.crt"),
        "spring.ssl.bundle.pem.redis.keystore.private-key=file:" + certDir.resolve("client.key")};
  }

  @Test
  void aBundleOfferingOnlyTls13AndItsCiphersCarriesAJob() {
    bundleRunner(tlsUrl()).withPropertyValues(pemBundle())
        .withPropertyValues("spring.ssl.bundle.pem.redis.protocol=TLSv1.3",
            "spring.ssl.bundle.pem.redis.options.enabled-protocols=TLSv1.3",
            "spring.ssl.bundle.pem.redis.options.ciphers=TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256")
        .run(context -> {
          assertThat(context).hasNotFailed();
          AssetGenerator generator = context.getBean(AssetGenerator.class);
          JobId id = generator.submit(GenerationRequest.of("user-1", "a fox over TLS 1.3", List.of("instagram-post")));
          assertThat(generator.await(id, Duration.ofMinutes(1)).state()).isEqualTo(JobState.COMPLETED);
        });
  }

  @Test
  void aBundleWhoseProtocolsTheServerRefusesFailsNamingTheTlsCause() throws Exception {
    int port = RedisTestServer.freePort();
    try (RedisTestServer tls12 = tlsServer(port, "--tls-protocols", "TLSv1.2")) {
      // The cache only (the queue in memory): a queue would wait for its event channel first.
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SnapAssetAutoConfiguration.class))
          .withPropertyValues("snapasset.storage.local.directory=" + dir,
              "snapasset.cache.redis-url=rediss://:" + REDIS_PASSWORD + "@127.0.0.1:" + port)
          .withPropertyValues(pemBundle())
          .withPropertyValues("spring.ssl.bundle.pem.redis.options.enabled-protocols=TLSv1.3")
          .run(context -> {
            BaseImageCache cache = context.getBean(BaseImageCache.class);
            assertThat(cache).isInstanceOf(RedisBaseImageCache.class);
            Throwable failure = catchFailure(() -> cache.get("k"));
            assertThat(failure).as("a TLS 1.3 client and a TLS 1.2 server share no protocol").isNotNull();
            assertThat(failure.getMessage()).contains("protocol_version");
            assertThat(chain(failure)).doesNotContain(REDIS_PASSWORD);
          });
    }
  }

  @Test
  void aBundleCipherTheJvmDoesNotKnowFailsStartUpNamingIt() {
    bundleRunner(tlsUrl()).withPropertyValues(pemBundle())
        .withPropertyValues("spring.ssl.bundle.pem.redis.options.ciphers=TLS_AES_128_GCM_SHA256,TLS_NO_SUCH_CIPHER")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(chain(context.getStartupFailure())).contains("Redis TLS settings are not usable")
              .contains("TLS_NO_SUCH_CIPHER").doesNotContain(REDIS_PASSWORD);
        });
  }

  @Test
  void enabledProtocolsFromPropertiesThatTheServerRefusesFailNamingTheTlsCause() throws Exception {
    int port = RedisTestServer.freePort();
    try (RedisTestServer tls12 = tlsServer(port, "--tls-protocols", "TLSv1.2")) {
      // The cache only (the queue in memory): a queue would wait for its event channel first.
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SnapAssetAutoConfiguration.class))
          .withPropertyValues("snapasset.storage.local.directory=" + dir,
              "snapasset.cache.redis-url=rediss://:" + REDIS_PASSWORD + "@127.0.0.1:" + port,
              "snapasset.redis.tls.trust-certificates=" + certs.caPem,
              "snapasset.redis.tls.key-store=" + certs.clientP12,
              "snapasset.redis.tls.key-store-password=" + STORE_PASSWORD,
              "snapasset.redis.tls.enabled-protocols=TLSv1.3")
          .run(context -> {
            assertThat(context).hasNotFailed();
            BaseImageCache cache = context.getBean(BaseImageCache.class);
            assertThat(cache).isInstanceOf(RedisBaseImageCache.class);
            Throwable failure = catchFailure(() -> cache.get("k"));
            assertThat(failure).as("a TLS 1.3 client and a TLS 1.2 server share no protocol").isNotNull();
            assertThat(failure.getMessage()).contains("protocol_version");
            assertThat(chain(failure)).doesNotContain(REDIS_PASSWORD).doesNotContain(STORE_PASSWORD);
          });
    }
  }

  @Test
  void enabledProtocolsAndCiphersFromPropertiesConnect() {
    runner(tlsUrl()).withPropertyValues("snapasset.redis.tls.trust-certificates=" + certs.caPem,
            "snapasset.redis.tls.key-store=" + certs.clientP12,
            "snapasset.redis.tls.key-store-password=" + STORE_PASSWORD,
            "snapasset.redis.tls.enabled-protocols=TLSv1.3",
            "snapasset.redis.tls.ciphers=TLS_AES_256_GCM_SHA384")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(JobQueue.class).stats().waiting()).isZero();
        });
    runner(tlsUrl()).withPropertyValues("snapasset.redis.tls.trust-certificates=" + certs.caPem,
            "snapasset.redis.tls.protocol=TLSv9")
        .run(context -> assertThat(chain(context.getStartupFailure())).contains("TLSv9"));
  }

  @Test
  void aBundleAndProtocolPropertiesTogetherFailStartUpNamingThem() {
    bundleRunner(tlsUrl()).withPropertyValues(pemBundle())
        .withPropertyValues("snapasset.redis.tls.ciphers=TLS_AES_128_GCM_SHA256")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("snapasset.redis.ssl-bundle and snapasset.redis.tls.ciphers are both set"));
  }

  @Test
  void anUnknownBundleFailsStartUpNamingIt() {
    bundleRunner(tlsUrl()).withPropertyValues("snapasset.redis.ssl-bundle=no-such-bundle")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("snapasset.redis.ssl-bundle=no-such-bundle names no SSL bundle"));
  }

  @Test
  void aBundleAndFileStoresTogetherFailStartUpNamingBoth() {
    bundleRunner(tlsUrl()).withPropertyValues("snapasset.redis.ssl-bundle=redis",
            "spring.ssl.bundle.pem.redis.truststore.certificate=file:" + certs.caPem,
            "snapasset.redis.tls.key-store=" + certs.clientP12,
            "snapasset.redis.tls.key-store-password=" + STORE_PASSWORD)
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("snapasset.redis.ssl-bundle and snapasset.redis.tls.key-store, key-store-password")
            .message().doesNotContain(STORE_PASSWORD));
  }

  @Test
  void withoutTheSettingsTheJvmTrustStoreRefusesTheTestCa() {
    runner(tlsUrl()).run(context -> {
      JobQueue queue = context.getBean(JobQueue.class);
      Throwable failure = catchFailure(queue::stats);
      assertThat(failure).as("the JVM's trust store does not know the test CA").isNotNull();
      assertThat(chain(failure)).contains("PKIX path building failed").doesNotContain(REDIS_PASSWORD);
    });
  }

  @Test
  void tlsSettingsWithoutAnyTlsUrlFailStartUpNamingTheSetting() {
    runner("redis://:" + REDIS_PASSWORD + "@127.0.0.1:" + server.port())
        .withPropertyValues("snapasset.redis.tls.trust-certificates=" + certs.caPem)
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("snapasset.redis.tls.* is set but snapasset.queue.redis-url is not a TLS URL")
            .hasMessageContaining("rediss://")
            .message().doesNotContain(REDIS_PASSWORD));
  }

  @Test
  void aPlainCacheUrlBesideATlsQueueIgnoresTheSettings() {
    runner(tlsUrl()).withPropertyValues("snapasset.redis.tls.trust-certificates=" + certs.caPem,
            "snapasset.redis.tls.key-store=" + certs.clientP12,
            "snapasset.redis.tls.key-store-password=" + STORE_PASSWORD,
            "snapasset.cache.redis-url=redis://:" + REDIS_PASSWORD + "@127.0.0.1:" + server.port())
        .run(context -> {
          assertThat(context.getBean(JobQueue.class).stats().waiting()).isZero();
          BaseImageCache cache = context.getBean(BaseImageCache.class);
          cache.put("plain-check", new byte[] {4}, Duration.ofMinutes(1));
          assertThat(cache.get("plain-check")).isPresent();
        });
  }

  @Test
  void withoutTheRedisAdapterTheSettingsBindAndEverythingStaysInMemory() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SnapAssetAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader("com.snapasset.redis"))
        .withPropertyValues("snapasset.storage.local.directory=" + dir,
            "snapasset.redis.tls.trust-certificates=" + certs.caPem, "snapasset.redis.tls.verification=ca")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(JobQueue.class)).isInstanceOf(InMemoryJobQueue.class);
          assertThat(context.getBean(SnapAssetProperties.class).getRedis().getTls().getVerification())
              .isEqualTo(SnapAssetProperties.TlsVerification.CA);
        });
  }

  @Test
  void conflictingOrIncompleteSettingsFailStartUpNamingThem() {
    runner(tlsUrl()).withPropertyValues("snapasset.redis.tls.trust-certificates=" + certs.caPem,
            "snapasset.redis.tls.trust-store=" + certs.caP12,
            "snapasset.redis.tls.key-store-password=" + STORE_PASSWORD)
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("trust-certificates (PEM) or trust-store, not both")
            .hasMessageContaining("key-store-password is set without key-store")
            .message().doesNotContain(STORE_PASSWORD));
  }

  @Test
  void aMissingFileFailsStartUpNamingTheSetting() {
    Path missing = dir.resolve("no-such-ca.pem");
    runner(tlsUrl()).withPropertyValues("snapasset.redis.tls.trust-certificates=" + missing)
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("snapasset.redis.tls: trustCertificates file")
            .hasMessageContaining(missing.toString()));
  }

  @Test
  void aWrongKeyStorePasswordFailsStartUpWithoutShowingIt() {
    String wrong = "wrong-store-pw-9";
    runner(tlsUrl()).withPropertyValues("snapasset.redis.tls.trust-certificates=" + certs.caPem,
            "snapasset.redis.tls.key-store=" + certs.clientP12, "snapasset.redis.tls.key-store-password=" + wrong)
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(chain(context.getStartupFailure())).contains("Redis TLS settings are not usable")
              .doesNotContain(wrong).doesNotContain(REDIS_PASSWORD);
        });
  }

  private static Throwable catchFailure(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static String chain(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t).append('\n');
    }
    return b.toString();
  }
}
