package com.snapasset.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.Asset;
import com.snapasset.AssetGenerator;
import com.snapasset.Backoff;
import com.snapasset.GenerationRequest;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobOptions;
import com.snapasset.JobState;
import com.snapasset.StorageException;
import com.snapasset.WorkerOptions;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.testing.Await;
import com.snapasset.testing.MutableClock;
import com.snapasset.testing.ScriptedImageProvider;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The S3 server goes away in the middle of an upload: the real s3proxy is stopped by an SDK
 * interceptor just before a chosen request goes on the wire, then started again on the same port
 * with what it held.
 */
class S3FaultTest {
  private S3TestServer server;
  private String bucket;

  @BeforeEach
  void startServer() throws Exception {
    server = S3TestServer.start();
    bucket = server.newBucket();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** Stops the server the first time a request matching {@code when} is about to be sent. */
  private ExecutionInterceptor stopServerBefore(java.util.function.Predicate<Object> when) {
    AtomicBoolean done = new AtomicBoolean();
    return new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(
          Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (when.test(context.request()) && done.compareAndSet(false, true)) {
          server.stop();
        }
      }
    };
  }

  @Test
  void aServerStoppedDuringAMultipartUploadGivesARetryableErrorAndNoObject() {
    byte[] data = new byte[(int) (2.5 * S3AssetStorage.MIN_PART_SIZE)];
    new Random(1).nextBytes(data);
    ExecutionInterceptor stopAtPart2 =
        stopServerBefore(r -> r instanceof UploadPartRequest u && u.partNumber() == 2);
    try (S3Client sdk = server.client(2, stopAtPart2);
        S3AssetStorage storage =
            S3AssetStorage.builder()
                .bucket(bucket)
                .client(sdk)
                .multipartThreshold(S3AssetStorage.MIN_PART_SIZE)
                .build()) {
      assertThatThrownBy(() -> storage.put("big/1.png", data, "image/png", ""))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isTrue())
          .hasMessageContaining(bucket)
          .hasMessageContaining("big/1.png")
          .hasMessageContaining("connection problem");
      assertThat(server.exists(bucket, "big/1.png")).isFalse();

      server.restart();
      storage.put("big/1.png", data, "image/png", "");

      assertThat(storage.get("big/1.png")).hasValue(data);
    }
  }

  @Test
  void aJobWhoseUploadFailedIsRetriedAndOnlyCompletesWithEveryFileStored() throws Exception {
    MutableClock clock = MutableClock.startingNow();
    ExecutionInterceptor stopAtFirstPut = stopServerBefore(r -> r instanceof PutObjectRequest);
    try (InMemoryJobQueue queue = InMemoryJobQueue.create(clock);
        S3Client sdk = server.client(2, stopAtFirstPut);
        S3AssetStorage storage = S3AssetStorage.builder().bucket(bucket).client(sdk).build();
        AssetGenerator generator =
            AssetGenerator.builder()
                .clock(clock)
                .jobQueue(queue)
                .imageProvider(new ScriptedImageProvider())
                .assetStorage(storage)
                .build()) {
      generator.startWorker(WorkerOptions.defaults());
      GenerationRequest request =
          GenerationRequest.builder()
              .userId("user-1")
              .prompt("a lighthouse in fog")
              .platforms("instagram-post", "twitter-post", "facebook-cover")
              .job(JobOptions.builder().attempts(3).backoff(Backoff.fixed(Duration.ofSeconds(10))).build())
              .build();

      JobId id = generator.submit(request);
      Await.until(
          "the failed upload to put the job back for a retry",
          Duration.ofSeconds(60),
          () -> generator.job(id).orElseThrow().state() == JobState.DELAYED);

      Job afterFailure = generator.job(id).orElseThrow();
      // Storage down is not the job's fault: it waits without spending an attempt.
      assertThat(afterFailure.attemptsMade()).isZero();
      assertThat(afterFailure.result()).isNull();
      assertThat(afterFailure.failedReason()).contains(bucket).contains("connection problem");

      server.restart();
      clock.advance(Duration.ofSeconds(11));
      Job done = generator.await(id, Duration.ofSeconds(60));

      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.attemptsMade()).isEqualTo(1);
      assertThat(done.result()).isNotNull();
      assertThat(done.result().assets()).hasSize(3);
      for (Asset a : done.result().assets()) {
        assertThat(server.exists(bucket, a.key())).as(a.key()).isTrue();
        assertThat(storage.get(a.key()).orElseThrow()).hasSize((int) a.byteSize());
      }
    }
  }
}
