package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.testing.Await;
import com.snapasset.testing.MutableClock;
import com.snapasset.testing.ScriptedImageProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker's decisions against a real in-memory queue and a provider scripted to fail. */
class WorkerBehaviourTest {
  private final MutableClock clock = MutableClock.startingNow();
  private final InMemoryJobQueue queue = InMemoryJobQueue.create(clock);
  private final ScriptedImageProvider provider = new ScriptedImageProvider();
  private final AssetGenerator generator = AssetGenerator.builder().clock(clock).jobQueue(queue)
      .imageProvider(provider).assetStorage(InMemoryAssetStorage.create()).build();

  @AfterEach
  void close() {
    generator.close();
    queue.close();
  }

  private static GenerationRequest request(JobOptions job) {
    return GenerationRequest.builder().userId("u").prompt("p").platforms("instagram-post").job(job).build();
  }

  private JobState state(JobId id) {
    return generator.job(id).orElseThrow().state();
  }

  @Test
  void aJobWhoseWorkerStopsRenewingItsLockIsCompletedByAnotherWorker() throws Exception {
    JobId id = generator.submit(request(JobOptions.defaults()));
    // a worker claims it and dies: it never renews, completes or fails
    QueuedJob taken = queue.claim(new ClaimRequest("dead-worker", Duration.ofSeconds(30), null)).job().orElseThrow();
    assertThat(taken.id()).isEqualTo(id);
    clock.advance(Duration.ofSeconds(31));

    generator.startWorker(WorkerOptions.builder().stalledCheckInterval(Duration.ofMillis(50)).build());
    Job job = generator.await(id, Duration.ofMinutes(1));

    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(queue.find(id).orElseThrow().stalledCount()).isEqualTo(1);
    assertThat(queue.complete(id, "dead-worker", "stale")).isFalse();
  }

  @Test
  void aRetryableFailureIsRetriedAfterItsBackoff() throws Exception {
    provider.failNext(ProviderException.retryable("OpenAI returned 503", null, null));
    generator.startWorker(WorkerOptions.defaults());
    Instant submittedAt = clock.instant();

    JobId id = generator.submit(request(JobOptions.defaults()));
    Await.until("the job to be delayed for a retry", Duration.ofSeconds(30), () -> state(id) == JobState.DELAYED);

    QueuedJob delayed = queue.find(id).orElseThrow();
    assertThat(delayed.failedReason()).isEqualTo("OpenAI returned 503");
    assertThat(delayed.attemptsMade()).isEqualTo(1);
    // exponential from 2 s with ±20 % jitter
    assertThat(Duration.between(submittedAt, delayed.delayedUntil()))
        .isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));

    clock.advance(Duration.ofSeconds(3));
    Job job = generator.await(id, Duration.ofMinutes(1));

    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.attemptsMade()).isEqualTo(2);
    assertThat(provider.calls()).isEqualTo(2);
  }

  @Test
  void theProvidersRetryAfterIsHonouredWhenLongerThanTheBackoff() {
    provider.failNext(ProviderException.retryable("429 rate limited", null, Duration.ofSeconds(30)));
    generator.startWorker(WorkerOptions.defaults());
    Instant submittedAt = clock.instant();

    JobId id = generator.submit(request(JobOptions.defaults()));
    Await.until("the job to be delayed", Duration.ofSeconds(30), () -> state(id) == JobState.DELAYED);

    assertThat(queue.find(id).orElseThrow().delayedUntil()).isEqualTo(submittedAt.plusSeconds(30));
  }

  @Test
  void aPermanentFailureFailsAtOnceWithItsReason() throws Exception {
    provider.failNext(ProviderException.permanent("content policy violation: the prompt was refused", null));
    generator.startWorker(WorkerOptions.defaults());

    Job job = generator.await(generator.submit(request(JobOptions.defaults())), Duration.ofMinutes(1));

    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.failedReason()).isEqualTo("content policy violation: the prompt was refused");
    assertThat(job.attemptsMade()).isEqualTo(1);
    assertThat(job.maxAttempts()).isEqualTo(3);
    assertThat(provider.calls()).isEqualTo(1);
  }

  @Test
  void retriesStopWhenTheAttemptsAreUsedUp() throws Exception {
    provider.failNext(ProviderException.retryable("503", null, null));
    provider.failNext(ProviderException.retryable("503 again", null, null));
    generator.startWorker(WorkerOptions.defaults());

    JobId id = generator.submit(request(JobOptions.builder().attempts(2).build()));
    Await.until("a retry to be scheduled", Duration.ofSeconds(30), () -> state(id) == JobState.DELAYED);
    clock.advance(Duration.ofSeconds(10));
    Job job = generator.await(id, Duration.ofMinutes(1));

    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.failedReason()).isEqualTo("503 again");
    assertThat(job.attemptsMade()).isEqualTo(2);
  }

  @Test
  void anAttemptPastItsTimeoutIsCancelledAndCountsAsAFailure() throws Exception {
    provider.block();
    generator.startWorker(WorkerOptions.defaults());

    JobId id = generator.submit(request(JobOptions.builder().attempts(1).timeout(Duration.ofSeconds(1)).build()));
    Job job = generator.await(id, Duration.ofMinutes(1));

    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.failedReason()).contains("timed out after 1000 ms");
    assertThat(job.attemptsMade()).isEqualTo(1);
  }

  @Test
  void cancellingAnActiveJobStopsItsWorker() throws Exception {
    provider.block();
    generator.startWorker(WorkerOptions.builder().lockRenewInterval(Duration.ofMillis(50)).build());
    JobId id = generator.submit(request(JobOptions.defaults()));
    provider.awaitEntered();

    assertThat(generator.cancel(id)).isTrue();
    Job job = generator.await(id, Duration.ofMinutes(1));

    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.failedReason()).isEqualTo("job was cancelled");
  }

  @Test
  void cancellingAWaitingJobRemovesIt() {
    JobId id = generator.submit(request(JobOptions.defaults()));

    assertThat(generator.cancel(id)).isTrue();
    assertThat(generator.job(id)).isEmpty();
  }

  @Test
  void closingAWorkerReleasesJobsThatOutliveTheGracePeriod() throws Exception {
    provider.block();
    Worker worker = generator.startWorker(WorkerOptions.builder().shutdownGrace(Duration.ofMillis(100)).build());
    JobId id = generator.submit(request(JobOptions.defaults()));
    provider.awaitEntered();

    worker.close();

    QueuedJob job = queue.find(id).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.WAITING);
    assertThat(job.attemptsMade()).isZero();
    assertThat(worker.isRunning()).isFalse();
  }

  @Test
  void priorityDecidesWhichWaitingJobRunsFirst() throws Exception {
    JobId low = generator.submit(request(JobOptions.builder().priority(9).build()));
    JobId high = generator.submit(request(JobOptions.builder().priority(1).build()));
    generator.startWorker(WorkerOptions.builder().concurrency(1).build());

    Job h = generator.await(high, Duration.ofMinutes(1));
    Job l = generator.await(low, Duration.ofMinutes(1));

    assertThat(h.startedAt()).isNotNull();
    assertThat(l.state()).isEqualTo(JobState.COMPLETED);
    assertThat(List.of(h.state(), l.state())).containsOnly(JobState.COMPLETED);
    assertThat(queue.list(JobState.COMPLETED, 0, 2)).extracting(QueuedJob::id).containsExactly(low, high);
  }
}
