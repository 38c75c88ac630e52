package com.snapasset.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.snapasset.ConfigurationException;
import com.snapasset.GenerationRequest;
import com.snapasset.JobId;
import com.snapasset.QueueException;
import com.snapasset.redis.RedisServerVersion;
import com.snapasset.redis.RedisTestServer;
import com.snapasset.redis.TestCertificates;
import com.snapasset.testing.Await;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code snapasset serve} and {@code snapasset worker} as a user runs them. */
class ServeCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final StringWriter err = new StringWriter();

  @Test
  void serveAnswersEveryEndpointOnEmbeddedDefaults() throws Exception {
    try (Running s = serve("--output", dir.toString())) {
      JsonNode health = json(get(s.base + "/health"));
      assertThat(health.get("status").asText()).isEqualTo("ok");
      assertThat(health.get("provider").asText()).isEqualTo("placeholder");
      assertThat(json(get(s.base + "/api/platforms")).get("platforms")).hasSize(9);
      assertThat(get(s.base + "/").body()).contains("SnapAsset");

      String id = submit(s.base, "serve-user");
      JsonNode job = awaitCompleted(s.base, id);
      String url = job.get("result").get("assets").get(0).get("url").asText();
      assertThat(url).startsWith(s.base + "/files/");
      HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(file.statusCode()).isEqualTo(200);
      assertThat(file.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");

      assertThat(json(get(s.base + "/api/queue/stats")).get("completed").asInt()).isEqualTo(1);
      assertThat(json(get(s.base + "/api/users/serve-user/generations")).get("generations")).hasSize(1);
      assertThat(json(get(s.base + "/api/alerts")).get("alerts").isArray()).isTrue();

      String metrics = get(s.base + "/metrics").body();
      assertThat(metrics)
          .contains("snapasset_jobs_completed_total 1.0")
          .contains("snapasset_queue_depth{state=\"completed\"} 1.0")
          .contains("snapasset_render_duration_seconds_count{format=\"png\"}")
          .contains("snapasset_provider_latency_seconds_count{provider=\"placeholder\"} 1")
          .contains("snapasset_cache_hit_ratio")
          .contains("snapasset_alert_active{rule=\"queue-backlog\"} 0.0")
          .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/api/jobs\",status=\"201\"} 1")
          .contains("http_server_requests_seconds{method=\"GET\",route=\"/api/jobs/{id}\",status=\"200\",quantile=\"0.95\"}")
          .contains("jvm_memory_used_bytes");
    }
    assertThat(err.toString()).contains("SnapAsset API on http://127.0.0.1:");
  }

  @Test
  void serveKeepsTheHistoryInPostgresWhenGivenADatabaseUrl() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("fsync", "off").start()) {
      String databaseUrl = "postgres://postgres:secret-pw@127.0.0.1:" + pg.getPort() + "/postgres";
      try (Running s = serve("--output", dir.toString(), "--database-url", databaseUrl)) {
        String first = submit(s.base, "db-user");
        awaitCompleted(s.base, first);
        String second = submit(s.base, "db-user");
        awaitCompleted(s.base, second);
        JsonNode page = json(get(s.base + "/api/users/db-user/generations?limit=1"));
        assertThat(page.get("generations").get(0).get("jobId").asText()).isEqualTo(second);
        JsonNode next = json(get(s.base + "/api/users/db-user/generations?limit=1&before="
            + page.get("nextCursor").asText()));
        assertThat(next.get("generations").get(0).get("jobId").asText()).isEqualTo(first);
      }
      try (Connection c = pg.getPostgresDatabase().getConnection();
           ResultSet rs = c.createStatement().executeQuery(
               "SELECT (SELECT count(*) FROM generations WHERE user_id = 'db-user'),"
                   + " (SELECT count(*) FROM generated_images)")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
        assertThat(rs.getInt(2)).isEqualTo(2);
      }
      assertThat(err.toString()).doesNotContain("secret-pw");
    }
  }

  @Test
  void aServerWithoutWorkerAndASeparateWorkerShareTheJobsThroughRedis() throws Exception {
    try (RedisTestServer redis = RedisTestServer.start();
         Running api = serve("--output", dir.toString(), "--redis-url", redis.url(), "--no-worker")) {
      String id = submit(api.base, "redis-user");
      assertThat(json(get(api.base + "/api/queue/stats")).get("waiting").asInt()).isEqualTo(1);

      WorkerCommand worker = new WorkerCommand();
      AtomicInteger exit = new AtomicInteger(-1);
      Thread t = new Thread(() -> exit.set(run(worker, "--output", dir.resolve("worker").toString(),
          "--redis-url", redis.url(), "--shutdown-grace", "PT5S", "--metrics-host", "127.0.0.1",
          "--metrics-port", "0")), "worker-under-test");
      t.start();
      try {
        JsonNode job = awaitCompleted(api.base, id);
        assertThat(job.get("result").get("assets")).hasSize(1);
        assertThat(err.toString()).contains("SnapAsset worker");

        // the worker's own /metrics, for Prometheus and autoscalers
        Matcher m = Pattern.compile("Metrics: (http://\\S+/metrics)").matcher(err.toString());
        assertThat(m.find()).as(err.toString()).isTrue();
        Await.until("the completion is counted", WAIT,
            () -> get(m.group(1)).body().contains("snapasset_jobs_completed_total 1.0"));
        assertThat(get(m.group(1)).body())
            .contains("snapasset_workers_desired 1.0")
            .contains("snapasset_queue_depth{state=\"completed\"}")
            .contains("jvm_memory_used_bytes");
      } finally {
        worker.stopForTest();
        t.join(WAIT.toMillis());
      }
      assertThat(exit.get()).as(err.toString()).isZero();
    }
  }

  @Test
  void anUnusableRedisUrlIsRefused() {
    int code = run(new ServeCommand(), "--port", "0", "--output", dir.toString(), "--redis-url", "http://nope");
    assertThat(code).isEqualTo(SnapAssetCli.EXIT_INVALID);
    assertThat(err.toString()).contains("REDIS_URL").contains("redis://");
  }

  @Test
  void anUnknownRedisTlsVerificationIsRefused() {
    int code = run(new ServeCommand(), "--port", "0", "--output", dir.toString(),
        "--redis-url", "rediss://127.0.0.1:1", "--redis-tls-verify", "sometimes");
    assertThat(code).isEqualTo(SnapAssetCli.EXIT_INVALID);
    assertThat(err.toString()).contains("REDIS_TLS_VERIFY").contains("full, ca or none");
  }

  /** Protocol, enabled protocols and ciphers reach the adapter's settings, lists split and stripped. */
  @Test
  void redisTlsProtocolEnabledProtocolsAndCiphersAreApplied() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--output", dir.toString(), "--redis-url", "rediss://127.0.0.1:1",
        "--redis-tls-protocol", "TLSv1.3", "--redis-tls-enabled-protocols", "TLSv1.3, TLSv1.2",
        "--redis-tls-ciphers", "TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

    assertThat(Backend.redisTls(serve.backend)).hasToString("RedisTls[verification=FULL, protocol=TLSv1.3, "
        + "enabledProtocols=[TLSv1.3, TLSv1.2], ciphers=[TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, "
        + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]]");
    // names this JVM can use pass the adapter's start-up check (no connection is made yet)
    try (Backend backend = Backend.open(serve.backend, null)) {
      assertThat(backend.sharedQueue).isTrue();
    }
  }

  /**
   * Against a real TLS 1.3 redis-server that takes one cipher suite: the CLI's ciphers reach the
   * socket (offering only another suite fails the handshake; offering the server's carries a job).
   */
  @Test
  void redisTlsCiphersFromTheCommandLineReachTheConnection() throws Exception {
    RedisServerVersion.requireRedis7("Redis TLS tests");
    TestCertificates certs = TestCertificates.generate(dir);
    int port = RedisTestServer.freePort();
    try (RedisTestServer ignored = RedisTestServer.start(false, "--tls-port", Integer.toString(port),
        "--tls-cert-file", certs.serverCertPem.toString(), "--tls-key-file", certs.serverKeyPem.toString(),
        "--tls-ca-cert-file", certs.caPem.toString(), "--tls-auth-clients", "no",
        "--tls-protocols", "TLSv1.3", "--tls-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")) {
      GenerationRequest request = GenerationRequest.of("u", "a red fox", List.of("instagram-post"));
      try (Backend aesOnly = tlsBackend(port, certs, "TLS_AES_128_GCM_SHA256")) {
        assertThatThrownBy(() -> aesOnly.generator.submit(request))
            .isInstanceOf(QueueException.class).hasMessageContaining("handshake_failure");
      }
      try (Backend chacha = tlsBackend(port, certs, "TLS_CHACHA20_POLY1305_SHA256")) {
        JobId id = chacha.generator.submit(request);
        assertThat(chacha.generator.job(id)).isPresent();
      }
    }
  }

  private Backend tlsBackend(int port, TestCertificates certs, String ciphers) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--output", dir.toString(), "--redis-url", "rediss://127.0.0.1:" + port,
        "--redis-tls-ca", certs.caPem.toString(), "--redis-tls-verify", "ca",
        "--redis-tls-enabled-protocols", "TLSv1.3", "--redis-tls-ciphers", ciphers);
    return Backend.open(serve.backend, null);
  }

  @Test
  void anEmptyEntryInARedisTlsListIsRefusedNamingIt() {
    int code = run(new ServeCommand(), "--port", "0", "--output", dir.toString(),
        "--redis-url", "rediss://127.0.0.1:1", "--redis-tls-ciphers", "TLS_AES_256_GCM_SHA384,,TLS_AES_128_GCM_SHA256");
    assertThat(code).isEqualTo(SnapAssetCli.EXIT_INVALID);
    assertThat(err.toString()).contains("REDIS_TLS_CIPHERS must be a comma-separated list of cipher suite names")
        .contains("entry 2 of");

    err.getBuffer().setLength(0);
    code = run(new ServeCommand(), "--port", "0", "--output", dir.toString(),
        "--redis-url", "rediss://127.0.0.1:1", "--redis-tls-enabled-protocols", "TLSv1.3,");
    assertThat(code).isEqualTo(SnapAssetCli.EXIT_INVALID);
    assertThat(err.toString()).contains("REDIS_TLS_ENABLED_PROTOCOLS must be a comma-separated list of TLS versions")
        .contains("entry 2 of 'TLSv1.3,' is empty");
  }

  /** A name this JVM does not know fails the start, naming it, not every connection later. */
  @Test
  void aRedisTlsProtocolOrCipherTheJvmDoesNotKnowIsRefusedAtStart() {
    String[][] bad = {
        {"--redis-tls-protocol", "TLSv9"},
        {"--redis-tls-enabled-protocols", "TLSv1.3,TLSv9"},
        {"--redis-tls-ciphers", "TLS_NO_SUCH_CIPHER"}};
    for (String[] option : bad) {
      err.getBuffer().setLength(0);
      int code = run(new ServeCommand(), "--port", "0", "--output", dir.toString(),
          "--redis-url", "rediss://127.0.0.1:1", option[0], option[1]);
      assertThat(code).as(option[0]).isEqualTo(SnapAssetCli.EXIT_INVALID);
      assertThat(err.toString()).as(option[0]).contains("REDIS_TLS_").contains("Redis TLS settings are not usable")
          .contains(option[1].contains(",") ? "TLSv9" : option[1]);
    }
  }

  @Test
  void aSeparateWorkerNeedsASharedQueue() {
    int code = run(new WorkerCommand(), "--output", dir.toString());
    assertThat(code).isEqualTo(SnapAssetCli.EXIT_INVALID);
    assertThat(err.toString()).contains("REDIS_URL").contains("snapasset serve");
  }

  @Test
  void malformedApiKeysAreRefusedWithoutEchoingThem() {
    int code = run(new ServeCommand(), "--port", "0", "--output", dir.toString(), "--api-keys", "abc=bob,longenoughkey=alice");
    assertThat(code).isEqualTo(SnapAssetCli.EXIT_INVALID);
    assertThat(err.toString()).contains("entry 1").doesNotContain("abc").doesNotContain("longenoughkey");
  }

  @Test
  void aShortAdminKeyAndABadOriginAreOneLineEachAndExitCode2NotAStackTrace() {
    int code = run(new ServeCommand(), "--port", "0", "--output", dir.toString(), "--admin-key", "short",
        "--cors-origins", "https://ok.example,ftp://nope");
    assertThat(code).isEqualTo(SnapAssetCli.EXIT_INVALID);
    assertThat(err.toString()).contains("Invalid configuration:")
        .contains("--admin-key (SNAPASSET_ADMIN_KEY): adminKey needs 8+ characters")
        .contains("--cors-origins (ALLOWED_ORIGINS)").contains("ftp://nope")
        .doesNotContain("Exception").doesNotContain("\tat ")
        .doesNotContain("short");
  }

  @Test
  void databaseUrlsOfOtherKindsAreRefused() {
    assertThatThrownBy(() -> Backend.catalog("mysql://u:p@h/db"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("postgres://");
  }

  private int run(Object command, String... args) {
    CommandLine cl = SnapAssetCli.commandLine();
    CommandLine sub = new CommandLine(command);
    sub.setExecutionExceptionHandler(cl.getExecutionExceptionHandler());
    sub.setErr(new PrintWriter(err, true));
    sub.setOut(new PrintWriter(new StringWriter(), true));
    return sub.execute(args);
  }

  private Running serve(String... args) throws InterruptedException {
    int port = freePort();
    ServeCommand command = new ServeCommand();
    String[] all = new String[args.length + 6];
    System.arraycopy(new String[] {"--host", "127.0.0.1", "--port", Integer.toString(port), "--public-url",
        "http://127.0.0.1:" + port}, 0, all, 0, 6);
    System.arraycopy(args, 0, all, 6, args.length);
    AtomicInteger exit = new AtomicInteger(-1);
    Thread t = new Thread(() -> exit.set(run(command, all)), "serve-under-test");
    t.start();
    Await.until("server up; stderr: " + err, WAIT, () -> command.server() != null || exit.get() >= 0);
    assertThat(exit.get()).as(err.toString()).isEqualTo(-1);
    return new Running("http://127.0.0.1:" + port, command, t, exit);
  }

  private record Running(String base, ServeCommand command, Thread thread, AtomicInteger exit) implements AutoCloseable {
    @Override
    public void close() {
      command.stop();
      try {
        thread.join(WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      assertThat(exit.get()).isZero();
    }
  }

  private String submit(String base, String user) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"userId\":\"" + user + "\",\"prompt\":\"a served fox\",\"platforms\":[\"128x128\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).get("jobId").asText();
  }

  private JsonNode awaitCompleted(String base, String id) {
    JsonNode[] last = new JsonNode[1];
    Await.until("job " + id + " completed", WAIT, () -> {
      last[0] = json(get(base + "/api/jobs/" + id));
      return last[0].get("status").asText().equals("completed");
    });
    return last[0];
  }

  private HttpResponse<String> get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError(r.statusCode() + ": " + r.body(), e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
