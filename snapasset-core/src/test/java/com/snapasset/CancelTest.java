package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.StoredObject;
import com.snapasset.testing.ScriptedImageProvider;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cancelling a running job stops it within a second — long before its lock is next renewed — and
 * removes the files it had written. The queue's cancel event, not the lock renewal, carries it.
 */
class CancelTest {
  /** Locks renewed every 20 minutes: only the cancel event can stop a job within the test. */
  private static final WorkerOptions SLOW_RENEWAL = WorkerOptions.builder().lockDuration(Duration.ofHours(1)).build();

  @Test
  void aJobWaitingForTheProviderIsCancelledAtOnce() throws Exception {
    ScriptedImageProvider provider = new ScriptedImageProvider().block();
    try (AssetGenerator generator = AssetGenerator.builder().imageProvider(provider)
        .assetStorage(InMemoryAssetStorage.create()).build();
        Worker worker = generator.startWorker(SLOW_RENEWAL)) {
      assertThat(worker.isRunning()).isTrue();
      JobId id = generator.submit(GenerationRequest.of("u1", "a long one", List.of("64x64")));
      provider.awaitEntered();

      long t0 = System.nanoTime();
      assertThat(generator.cancel(id)).isTrue();
      Job job = generator.await(id, Duration.ofSeconds(5));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertThat(job.state()).isEqualTo(JobState.FAILED);
      assertThat(job.failedReason()).isEqualTo("job was cancelled");
      assertThat(job.attemptsMade()).isEqualTo(1);
      System.out.println("in-memory queue: cancel to failed in " + ms + " ms");
    }
  }

  @Test
  void filesWrittenBeforeTheCancelAreRemoved() throws Exception {
    CountDownLatch firstStored = new CountDownLatch(1);
    HoldingStorage storage = new HoldingStorage(InMemoryAssetStorage.create(), firstStored);
    try (AssetGenerator generator = AssetGenerator.builder().imageProvider(new ScriptedImageProvider())
        .assetStorage(storage).build();
        Worker worker = generator.startWorker(SLOW_RENEWAL)) {
      assertThat(worker.isRunning()).isTrue();
      JobId id = generator.submit(GenerationRequest.of("u2", "two sizes", List.of("64x64", "32x32")));
      assertThat(firstStored.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(storage.list("u2/")).hasSize(1);

      assertThat(generator.cancel(id)).isTrue();
      Job job = generator.await(id, Duration.ofSeconds(5));

      assertThat(job.state()).isEqualTo(JobState.FAILED);
      assertThat(job.failedReason()).isEqualTo("job was cancelled");
      assertThat(storage.list("u2/")).as("files left behind").isEmpty();
    }
  }

  /** Stores the first file, then holds every later put until interrupted. */
  private static final class HoldingStorage implements AssetStorage {
    private final AssetStorage d;
    private final CountDownLatch firstStored;

    HoldingStorage(AssetStorage d, CountDownLatch firstStored) {
      this.d = d;
      this.firstStored = firstStored;
    }

    @Override
    public synchronized URI put(String key, byte[] data, String contentType, String cacheControl) {
      if (firstStored.getCount() == 0) {
        try {
          new CountDownLatch(1).await(); // a storage call that hangs
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw StorageException.retryable("interrupted", e);
        }
      }
      URI url = d.put(key, data, contentType, cacheControl);
      firstStored.countDown();
      return url;
    }

    @Override
    public Optional<byte[]> get(String key) {
      return d.get(key);
    }

    @Override
    public boolean delete(String key) {
      return d.delete(key);
    }

    @Override
    public List<StoredObject> list(String prefix) {
      return d.list(prefix);
    }

    @Override
    public URI url(String key) {
      return d.url(key);
    }
  }
}
