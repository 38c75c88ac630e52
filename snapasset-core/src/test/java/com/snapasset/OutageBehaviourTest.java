package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.StoredObject;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.testing.Await;
import com.snapasset.testing.MutableClock;
import com.snapasset.testing.ScriptedImageProvider;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With the default {@link OutagePolicy}: trouble that is not the job's fault (a 503, a 429, storage
 * down) returns the job to waiting without spending an attempt; the breaker stops the dependency
 * being called while it is down; only the job's own errors spend attempts.
 */
class OutageBehaviourTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final InMemoryJobQueue queue = InMemoryJobQueue.create(clock);
  private final ScriptedImageProvider provider = new ScriptedImageProvider();
  private final FlakyStorage storage = new FlakyStorage(InMemoryAssetStorage.create());
  private final AssetGenerator generator = AssetGenerator.builder().clock(clock).jobQueue(queue)
      .imageProvider(provider).assetStorage(storage).build();

  @AfterEach
  void close() {
    generator.close();
    queue.close();
  }

  private static GenerationRequest request() {
    return GenerationRequest.builder().userId("u").prompt("p").platforms("64x64").build();
  }

  @Test
  void aProviderOutageReturnsTheJobToWaitingWithoutSpendingAnAttempt() throws Exception {
    provider.failNext(ProviderException.retryable("OpenAI returned 503", null));
    generator.startWorker(WorkerOptions.defaults());

    JobId id = generator.submit(request());
    Await.until("the job to wait for the provider", Duration.ofSeconds(30),
        () -> queue.find(id).map(j -> j.state() == JobState.DELAYED).orElse(false));
    QueuedJob waiting = queue.find(id).orElseThrow();
    assertThat(waiting.attemptsMade()).isZero();
    assertThat(waiting.failedReason()).isEqualTo("OpenAI returned 503");

    clock.advance(Duration.ofSeconds(3));
    Job job = generator.await(id, Duration.ofMinutes(1));
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.attemptsMade()).isEqualTo(1);
  }

  @Test
  void aRateLimitHoldsEveryWorkerOfTheQueueForTheRetryAfter() throws Exception {
    provider.failNext(ProviderException.rateLimited("429", null, Duration.ofSeconds(20)));
    generator.startWorker(WorkerOptions.defaults());

    JobId id = generator.submit(request());
    Await.until("the job to wait out the rate limit", Duration.ofSeconds(30),
        () -> queue.find(id).map(j -> j.state() == JobState.DELAYED).orElse(false));
    assertThat(queue.find(id).orElseThrow().attemptsMade()).isZero();
    queue.add(new com.snapasset.spi.queue.NewJob(JobId.of("other"), "{}", 1, 1, -1, -1));

    // the whole queue is held, not just this job
    assertThat(queue.claim(new ClaimRequest("probe", Duration.ofSeconds(30), null)).rateLimitedFor())
        .isEqualTo(Duration.ofSeconds(20));
    queue.remove(JobId.of("other"));

    clock.advance(Duration.ofSeconds(21));
    assertThat(generator.await(id, Duration.ofMinutes(1)).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void storageDownOpensItsBreakerAndNoJobSpendsAnAttempt() throws Exception {
    storage.down.set(true);
    generator.startWorker(WorkerOptions.builder().concurrency(1).build());
    List<JobId> ids = List.of(generator.submit(request()), generator.submit(request()),
        generator.submit(request()), generator.submit(request()));

    Await.until("three failed puts to open the breaker", Duration.ofSeconds(30), () -> storage.puts.get() >= 3);
    // after three failures in a row the storage is not called again until the breaker half-opens
    Await.until("the third job to wait", Duration.ofSeconds(30), () -> queue.stats().delayed() == 3);
    assertThat(storage.puts.get()).isEqualTo(3);
    assertThat(queue.stats().waiting()).as("the fourth job, not claimed while the breaker is open").isEqualTo(1);
    for (JobId id : ids) {
      assertThat(queue.find(id).orElseThrow().attemptsMade()).as("attempts of %s", id).isZero();
    }

    storage.down.set(false);
    clock.advance(Duration.ofMinutes(1));
    for (JobId id : ids) {
      Job job = generator.await(id, Duration.ofMinutes(1));
      if (!job.isFinished()) { // its postponement may still lie ahead on the clock
        clock.advance(Duration.ofMinutes(1));
        job = generator.await(id, Duration.ofMinutes(1));
      }
      assertThat(job.state()).as("job %s", id).isEqualTo(JobState.COMPLETED);
      assertThat(job.attemptsMade()).isEqualTo(1);
    }
  }

  @Test
  void aPermanentErrorStillFailsAtOnce() throws Exception {
    provider.failNext(ProviderException.permanent("content policy violation", null));
    generator.startWorker(WorkerOptions.defaults());

    Job job = generator.await(generator.submit(request()), Duration.ofMinutes(1));

    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.failedReason()).isEqualTo("content policy violation");
    assertThat(job.attemptsMade()).isEqualTo(1);
  }

  /** A storage whose puts fail while {@link #down} is set, counting the puts tried. */
  private static final class FlakyStorage implements AssetStorage {
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger puts = new AtomicInteger();
    private final AssetStorage d;

    FlakyStorage(AssetStorage d) {
      this.d = d;
    }

    @Override
    public URI put(String key, byte[] data, String contentType, String cacheControl) {
      if (down.get()) {
        puts.incrementAndGet();
        throw StorageException.retryable("storage unreachable", null);
      }
      return d.put(key, data, contentType, cacheControl);
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
