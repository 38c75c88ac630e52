package com.snapasset.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.StorageException;
import com.snapasset.spi.StoredObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** The adapter against a real S3 server (s3proxy, in-process): what the contract suite does not cover. */
class S3AssetStorageTest {
  private static S3TestServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private String bucket;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void newBucket() {
    bucket = server.newBucket();
  }

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static HttpResponse<byte[]> fetch(URI url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private S3Client sdkClient() {
    return server.client(3);
  }

  @Test
  void putThenGetReturnsTheSameBytesAndMissingKeysAreEmpty() {
    try (S3AssetStorage storage = server.storage(bucket).build()) {
      byte[] data = bytes(70_000, 1);
      storage.put("jobs/1/instagram-post.png", data, "image/png", "public, max-age=60");

      assertThat(storage.get("jobs/1/instagram-post.png")).hasValue(data);
      assertThat(storage.get("jobs/1/missing.png")).isEmpty();
    }
  }

  @Test
  void contentTypeAndCacheControlRoundTripThroughS3AndOverHttp() throws Exception {
    try (S3AssetStorage storage =
            server.storage(bucket).presignedUrls(Duration.ofMinutes(5)).build();
        S3Client sdk = sdkClient()) {
      URI url = storage.put("a/b.webp", bytes(1000, 2), "image/webp", "public, max-age=123");

      HeadObjectResponse head = sdk.headObject(r -> r.bucket(bucket).key("a/b.webp"));
      assertThat(head.contentType()).isEqualTo("image/webp");
      assertThat(head.cacheControl()).isEqualTo("public, max-age=123");

      HttpResponse<byte[]> response = fetch(url);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("image/webp");
      assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=123");
    }
  }

  @Test
  void blankCacheControlMeansImmutableForAYear() {
    try (S3AssetStorage storage = server.storage(bucket).build(); S3Client sdk = sdkClient()) {
      storage.put("x.jpg", bytes(10, 3), "image/jpeg", "");

      assertThat(sdk.headObject(r -> r.bucket(bucket).key("x.jpg")).cacheControl())
          .isEqualTo("public, max-age=31536000, immutable");
    }
  }

  @Test
  void presignedUrlsServeTheBytesOverPlainHttpAndCarryTheirLifetime() throws Exception {
    try (S3AssetStorage storage =
        server.storage(bucket).keyPrefix("assets/").presignedUrls(Duration.ofMinutes(7)).build()) {
      byte[] data = bytes(5000, 4);
      URI url = storage.put("job-9/twitter-post.jpg", data, "image/jpeg", "");

      assertThat(url.toString())
          .startsWith(server.endpoint() + "/" + bucket + "/assets/job-9/twitter-post.jpg?")
          .contains("X-Amz-Expires=420");
      HttpResponse<byte[]> response = fetch(url);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(data);

      // Without the signature the bucket is private: the URL, not the bucket, grants the read.
      URI unsigned = URI.create(url.toString().substring(0, url.toString().indexOf('?')));
      assertThat(fetch(unsigned).statusCode()).isEqualTo(403);
    }
  }

  @Test
  void plainObjectUrlsServeTheBytesOfAPublicBucket() throws Exception {
    try (S3AssetStorage storage = server.storage(bucket).build()) {
      byte[] data = bytes(3000, 5);
      URI url = storage.put("p/q.png", data, "image/png", "");
      server.makePublic(bucket, "p/q.png");

      assertThat(url).isEqualTo(URI.create(server.endpoint() + "/" + bucket + "/p/q.png"));
      assertThat(fetch(url).body()).isEqualTo(data);
    }
  }

  @Test
  void publicBaseUrlPutsPrefixAndKeyUnderIt() {
    try (S3AssetStorage storage =
        server.storage(bucket)
            .keyPrefix("prod")
            .publicBaseUrl(URI.create("https://cdn.example.com/images"))
            .build()) {
      assertThat(storage.url("j/1.png"))
          .isEqualTo(URI.create("https://cdn.example.com/images/prod/j/1.png"));
    }
  }

  @Test
  void withoutAnEndpointUrlsAreAwsVirtualHostedObjectUrls() {
    // Computing a URL makes no request, so no AWS account is needed here.
    try (S3AssetStorage storage =
        S3AssetStorage.builder().bucket("my-assets").region("eu-west-1").keyPrefix("prod").build()) {
      assertThat(storage.url("u/g/a.png"))
          .isEqualTo(URI.create("https://my-assets.s3.eu-west-1.amazonaws.com/prod/u/g/a.png"));
    }
  }

  @Test
  void theSupabasePresetPointsAtTheProjectsPublicObjectPath() {
    try (S3AssetStorage storage =
        S3AssetStorage.supabase("https://abcdefgh.supabase.co/", "eu-central-1", "id", "secret")
            .bucket("images")
            .build()) {
      assertThat(storage.url("u/1.png"))
          .isEqualTo(URI.create("https://abcdefgh.supabase.co/storage/v1/object/public/images/u/1.png"));
    }
  }

  @Test
  void listFindsObjectsByPrefixInsideTheKeyPrefixOnly() {
    try (S3AssetStorage prod = server.storage(bucket).keyPrefix("prod").build();
        S3AssetStorage test = server.storage(bucket).keyPrefix("test").build()) {
      prod.put("jobs/1/a.png", bytes(11, 6), "image/png", "");
      prod.put("jobs/1/b.png", bytes(22, 7), "image/png", "");
      prod.put("jobs/2/a.png", bytes(33, 8), "image/png", "");
      test.put("jobs/1/a.png", bytes(44, 9), "image/png", "");

      assertThat(prod.list("jobs/1/"))
          .extracting(StoredObject::key, StoredObject::size)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("jobs/1/a.png", 11L),
              org.assertj.core.groups.Tuple.tuple("jobs/1/b.png", 22L));
      assertThat(prod.list("")).hasSize(3);
      assertThat(test.list("")).extracting(StoredObject::key).containsExactly("jobs/1/a.png");
      assertThat(prod.list("jobs/1/a")).hasSize(1);
      for (String bad : List.of("../other", "/jobs", "jobs//1", "jobs/./1", "a b")) {
        assertThatThrownBy(() -> prod.list(bad))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining(bad);
      }
    }
  }

  @Test
  void deleteSaysWhetherSomethingWasThere() {
    try (S3AssetStorage storage = server.storage(bucket).build()) {
      storage.put("d.png", bytes(5, 10), "image/png", "");

      assertThat(storage.delete("d.png")).isTrue();
      assertThat(storage.get("d.png")).isEmpty();
      assertThat(storage.delete("d.png")).isFalse();
    }
  }

  @Test
  void deleteOlderThanRemovesOnlyOldObjectsUnderThePrefixInBatches() {
    try (S3AssetStorage storage = server.storage(bucket).deleteBatch(4).build()) {
      int count = 10; // three DeleteObjects batches of at most 4
      for (int i = 0; i < count; i++) {
        storage.put("old/" + i + ".png", new byte[] {1}, "image/png", "");
      }
      storage.put("keep/1.png", new byte[] {2}, "image/png", "");
      List<StoredObject> old = storage.list("old/");
      Instant oldest =
          old.stream().map(StoredObject::lastModified).min(Comparator.naturalOrder()).orElseThrow();
      Instant newest =
          old.stream().map(StoredObject::lastModified).max(Comparator.naturalOrder()).orElseThrow();

      assertThat(storage.deleteOlderThan("old/", oldest)).isZero();
      assertThat(storage.deleteOlderThan("old/", newest.plusMillis(1))).isEqualTo(count);
      assertThat(storage.list("old/")).isEmpty();
      assertThat(storage.get("keep/1.png")).isPresent();
    }
  }

  @Test
  void largeFilesGoUpInPartsAndKeepTheirHeaders() {
    try (S3AssetStorage storage =
            server.storage(bucket).multipartThreshold(S3AssetStorage.MIN_PART_SIZE).build();
        S3Client sdk = sdkClient()) {
      byte[] data = bytes((int) (2.5 * S3AssetStorage.MIN_PART_SIZE), 11);
      storage.put("big.png", data, "image/png", "public, max-age=9");

      assertThat(storage.get("big.png")).hasValue(data);
      HeadObjectResponse head = sdk.headObject(r -> r.bucket(bucket).key("big.png"));
      assertThat(head.eTag()).endsWith("-3\""); // S3's mark of a 3-part upload
      assertThat(head.contentType()).isEqualTo("image/png");
      assertThat(head.cacheControl()).isEqualTo("public, max-age=9");
    }
  }

  @Test
  void aMissingBucketIsPermanentAndNamesBucketAndKeyButNotTheSecret() {
    try (S3AssetStorage storage = server.storage("no-such-bucket").build()) {
      assertThatThrownBy(() -> storage.put("k/1.png", new byte[] {1}, "image/png", ""))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isFalse())
          .hasMessageContaining("no-such-bucket")
          .hasMessageContaining("k/1.png")
          .hasMessageContaining("no such bucket")
          .message()
          .doesNotContain(S3TestServer.SECRET_KEY);
      assertThatThrownBy(() -> storage.get("k/1.png"))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isFalse());
      assertThatThrownBy(() -> storage.delete("k/1.png"))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isFalse());
    }
  }

  @Test
  void wrongCredentialsArePermanentAndNeverQuoted() {
    String wrongSecret = "wrong-secret-value-12345";
    try (S3AssetStorage storage =
        server.storage(bucket).credentials(S3TestServer.ACCESS_KEY, wrongSecret).build()) {
      assertThatThrownBy(() -> storage.put("k.png", new byte[] {1}, "image/png", ""))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isFalse())
          .hasMessageContaining(bucket)
          .message()
          .doesNotContain(wrongSecret);
    }
  }

  @Test
  void invalidKeysArePermanentBeforeAnyRequest() {
    try (S3AssetStorage storage = server.storage(bucket).build()) {
      for (String bad : List.of("", "/abs.png", "a/../b.png", "sp ace.png", "a//b.png")) {
        assertThatThrownBy(() -> storage.put(bad, new byte[] {1}, "image/png", ""))
            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isFalse());
      }
      assertThat(storage.list("")).isEmpty();
    }
  }

  @Test
  void anUnreachableServerIsRetryable() throws Exception {
    S3TestServer gone = S3TestServer.start();
    String b = gone.newBucket();
    gone.close();
    try (S3AssetStorage storage = gone.storage(b).maxAttempts(1).build()) {
      assertThatThrownBy(() -> storage.put("k.png", new byte[] {1}, "image/png", ""))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isTrue())
          .hasMessageContaining(b)
          .hasMessageContaining("k.png");
    }
  }

  @Test
  void theSupabasePresetTalksToTheS3PathAndGivesPublicObjectUrls() throws Exception {
    try (S3TestServer supabase = S3TestServer.startWithServicePath("/storage/v1/s3")) {
      String b = supabase.newBucket();
      String project = "http://127.0.0.1:" + supabase.port();
      try (S3AssetStorage storage =
          S3AssetStorage.supabase(project + "/", "eu-central-1", S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
              .bucket(b)
              .build()) {
        URI url = storage.put("u/1.png", bytes(100, 12), "image/png", "");

        assertThat(url).isEqualTo(URI.create(project + "/storage/v1/object/public/" + b + "/u/1.png"));
        assertThat(supabase.exists(b, "u/1.png")).isTrue();
        assertThat(storage.get("u/1.png")).isPresent();
      }
    }
  }

  @Test
  void aSuppliedClientIsUsedForWritesAndPresigningAndLeftOpen() throws Exception {
    try (S3Client sdk = sdkClient()) {
      S3AssetStorage storage =
          S3AssetStorage.builder()
              .bucket(bucket)
              .client(sdk)
              .pathStyle(true)
              .presignedUrls(Duration.ofMinutes(1))
              .build();
      URI url = storage.put("c.png", "hi".getBytes(StandardCharsets.UTF_8), "image/png", "");
      storage.close();

      assertThat(fetch(url).body()).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));

      assertThat(sdk.getObjectAsBytes(r -> r.bucket(bucket).key("c.png")).asUtf8String()).isEqualTo("hi");
      assertThatThrownBy(() -> S3AssetStorage.builder().bucket(bucket).client(sdk).region("eu-west-1").build())
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void builderChecksArgumentsAtOnceAndNamesTheField() {
    S3AssetStorage.Builder b = S3AssetStorage.builder();
    assertThatThrownBy(() -> b.bucket(" ")).hasMessageContaining("bucket");
    assertThatThrownBy(() -> b.endpoint(URI.create("ftp://x"))).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> b.keyPrefix("../up")).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> b.multipartThreshold(1024)).hasMessageContaining("multipartThreshold");
    assertThatThrownBy(() -> b.presignedUrls(Duration.ofDays(8))).hasMessageContaining("presign");
    assertThatThrownBy(() -> b.credentials("id", "")).hasMessageContaining("secretAccessKey");
    assertThatThrownBy(b::build).hasMessageContaining("bucket");
  }

  @Test
  void toStringShowsNoCredentials() {
    try (S3AssetStorage storage = server.storage(bucket).build()) {
      assertThat(storage.toString()).contains(bucket).doesNotContain(S3TestServer.SECRET_KEY);
    }
  }
}
