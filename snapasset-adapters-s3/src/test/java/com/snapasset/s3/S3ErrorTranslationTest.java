package com.snapasset.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.StorageException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How S3's error answers become retryable or permanent {@link StorageException}s: a loopback HTTP
 * server answers every request with a chosen status and S3 error document, as S3, R2 or MinIO
 * would under throttling, outages or refusals, and the real SDK parses it.
 */
class S3ErrorTranslationTest {
  private static final String SECRET = "error-test-secret-do-not-print";

  private HttpServer http;
  private ExecutorService executor;
  private final AtomicReference<Answer> answer = new AtomicReference<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);

  private record Answer(int status, String code, boolean hang) {}

  /** Set to answer list and batch-delete requests with these documents instead of an error. */
  private final AtomicReference<String[]> listThenDelete = new AtomicReference<>();

  @BeforeEach
  void startServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newCachedThreadPool();
    http.setExecutor(executor);
    http.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      String[] documents = listThenDelete.get();
      if (documents != null) {
        String query = String.valueOf(exchange.getRequestURI().getQuery());
        byte[] doc = (query.contains("delete") ? documents[1] : documents[0])
            .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(200, doc.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(doc);
        }
        return;
      }
      Answer a = answer.get();
      if (a.hang()) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body =
          ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + a.code()
                  + "</Code><Message>test says " + a.code() + "</Message></Error>")
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/xml");
      exchange.sendResponseHeaders(a.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    http.start();
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    http.stop(0);
    executor.shutdownNow();
  }

  /**
   * A storage whose calls the server answers at once: the timeout only bounds a broken run. (It was
   * 500 ms, which a cold SDK's first call on a loaded machine, e.g. the Java 25 CI pass, overran.)
   */
  private S3AssetStorage storage(int maxAttempts) {
    return storage(maxAttempts, Duration.ofSeconds(10));
  }

  private S3AssetStorage storage(int maxAttempts, Duration timeout) {
    return S3AssetStorage.builder()
        .bucket("assets")
        .endpoint(URI.create("http://127.0.0.1:" + http.getAddress().getPort()))
        .pathStyle(true)
        .credentials("error-test-key-id", SECRET)
        .maxAttempts(maxAttempts)
        .timeout(timeout)
        .build();
  }

  @ParameterizedTest(name = "{0} {1} -> retryable={2}")
  @CsvSource({
    "503, SlowDown, true",
    "503, ServiceUnavailable, true",
    "500, InternalError, true",
    "429, TooManyRequests, true",
    "400, RequestTimeout, true",
    "403, AccessDenied, false",
    "403, SignatureDoesNotMatch, false",
    "404, NoSuchBucket, false",
    "400, KeyTooLongError, false",
    "400, InvalidBucketName, false",
  })
  void putFailuresAreClassifiedAndNameBucketAndKey(int status, String code, boolean retryable) {
    answer.set(new Answer(status, code, false));
    try (S3AssetStorage storage = storage(1)) {
      assertThatThrownBy(() -> storage.put("jobs/7/a.png", new byte[] {1}, "image/png", ""))
          .isInstanceOfSatisfying(
              StorageException.class, e -> assertThat(e.isRetryable()).isEqualTo(retryable))
          .hasMessageContaining("'assets'")
          .hasMessageContaining("'jobs/7/a.png'")
          .hasMessageContaining(code)
          .hasMessageContaining(String.valueOf(status))
          .message()
          .doesNotContain(SECRET);
    }
  }

  @Test
  void theSdkRetriesThrottlingBeforeGivingUp() {
    answer.set(new Answer(503, "SlowDown", false));
    try (S3AssetStorage storage = storage(3)) {
      assertThatThrownBy(() -> storage.get("a.png"))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isTrue());
      assertThat(requests).hasValue(3);
    }
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsRetryable() {
    answer.set(new Answer(200, "none", true));
    try (S3AssetStorage storage = storage(1, Duration.ofMillis(500))) {
      assertThatThrownBy(() -> storage.put("slow.png", new byte[] {1}, "image/png", ""))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isTrue())
          .hasMessageContaining("timed out")
          .hasMessageContaining("slow.png");
    }
  }

  @Test
  void failedBatchDeletesAreReported() {
    answer.set(new Answer(403, "AccessDenied", false));
    try (S3AssetStorage storage = storage(1)) {
      assertThatThrownBy(() -> storage.deleteOlderThan("", Instant.now()))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isFalse())
          .hasMessageContaining("access denied");
    }
  }

  @Test
  void keysABatchDeleteCouldNotRemoveAreReportedByName() {
    String ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
    String listing =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult " + ns + "><Name>assets</Name>"
            + "<KeyCount>2</KeyCount><IsTruncated>false</IsTruncated>"
            + "<Contents><Key>old/a.png</Key><LastModified>2020-01-01T00:00:00.000Z</LastModified>"
            + "<Size>1</Size></Contents>"
            + "<Contents><Key>old/b.png</Key><LastModified>2020-01-01T00:00:00.000Z</LastModified>"
            + "<Size>1</Size></Contents></ListBucketResult>";
    String partlyFailed =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeleteResult " + ns + ">"
            + "<Deleted><Key>old/a.png</Key></Deleted>"
            + "<Error><Key>old/b.png</Key><Code>InternalError</Code><Message>try again</Message></Error>"
            + "</DeleteResult>";
    listThenDelete.set(new String[] {listing, partlyFailed});
    try (S3AssetStorage storage = storage(1)) {
      assertThatThrownBy(() -> storage.deleteOlderThan("old/", Instant.parse("2021-01-01T00:00:00Z")))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isTrue())
          .hasMessageContaining("'assets'")
          .hasMessageContaining("old/b.png")
          .hasMessageContaining("InternalError");
    }
  }
}
