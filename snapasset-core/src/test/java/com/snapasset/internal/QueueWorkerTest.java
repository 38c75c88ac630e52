package com.snapasset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.snapasset.Backoff;
import com.snapasset.JobId;
import com.snapasset.JobOptions;
import com.snapasset.JobState;
import com.snapasset.ProviderException;
import com.snapasset.WorkerOptions;
import com.snapasset.spi.JobQueue;
import com.snapasset.QueueException;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.Completion;
import com.snapasset.spi.queue.Completions;
import com.snapasset.spi.queue.FinishedJob;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.testing.Await;
import com.snapasset.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.mockito.ArgumentCaptor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's decisions, seen through the calls it makes on a mocked queue. */
class QueueWorkerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final JobQueue queue = mock(JobQueue.class);
  private final JobId id = JobId.of("job-1");
  private final JobOptions fixedBackoff = JobOptions.builder().backoff(Backoff.fixed(Duration.ofSeconds(5))).build();
  private QueueWorker worker;

  @BeforeEach
  void queueHandsOutOneJob() throws Exception {
    QueuedJob job = new QueuedJob(id, "{}", JobState.ACTIVE, 5, 0, 0, 3, 0, clock.instant(), clock.instant(),
        null, null, null, null);
    when(queue.claim(any())).thenReturn(Claim.of(job)).thenReturn(Claim.none());
    doAnswer(inv -> {
      Thread.sleep(5); // an idle queue blocks for a while; keep the mock from spinning
      return null;
    }).when(queue).awaitWork(any());
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
  }

  private void start(JobHandler handler, WorkerOptions options) {
    worker = new QueueWorker("test-worker", queue, handler, options, clock).start();
  }

  /** As {@link #start}, with every job short enough to be batched, however slow the machine. */
  private void startBatching(JobHandler handler, WorkerOptions options) {
    worker = new QueueWorker("test-worker", queue, handler, options, clock).shortJobsUnder(Duration.ofHours(1)).start();
  }

  @Test
  void aJobWhoseLockWasLostIsStoppedAndNeitherCompletedNorFailed() {
    when(queue.renewLock(eq(id), anyString(), any())).thenReturn(LockStatus.LOST);
    AtomicBoolean interrupted = new AtomicBoolean();
    start(handler(() -> {
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.set(true);
        throw e;
      }
    }), WorkerOptions.builder().lockRenewInterval(Duration.ofMillis(20)).build());

    verify(queue, timeout(10_000)).renewLock(eq(id), anyString(), any());
    Await.until("the job to stop", Duration.ofSeconds(10), () -> interrupted.get() && worker.activeJobs() == 0);

    verify(queue, never()).complete(any(), anyString(), anyString());
    verify(queue, never()).fail(any(), anyString(), anyString(), any());
  }

  @Test
  void aRetryableFailureIsFailedWithARetryTimeFromTheBackoff() {
    start(handler(() -> {
      throw ProviderException.retryable("503 from the provider", null, null);
    }), WorkerOptions.defaults());

    verify(queue, timeout(10_000)).fail(eq(id), anyString(), eq("503 from the provider"),
        eq(clock.instant().plusSeconds(5)));
  }

  @Test
  void aPermanentFailureIsFailedForGood() {
    start(handler(() -> {
      throw ProviderException.permanent("content policy", null);
    }), WorkerOptions.defaults());

    verify(queue, timeout(10_000)).fail(eq(id), anyString(), eq("content policy"), isNull());
  }

  @Test
  void anUnreadablePayloadFailsTheJobForGoodWithoutRunningIt() {
    start(job -> {
      throw new IllegalArgumentException("not JSON");
    }, WorkerOptions.defaults());

    verify(queue, timeout(10_000)).fail(eq(id), anyString(), eq("job payload is not readable: not JSON"), isNull());
    verify(queue, never()).complete(any(), anyString(), anyString());
  }

  @Test
  void progressAndTheResultGoToTheQueueUnderTheClaimToken() {
    start(job -> prepared(context -> {
      context.progress(42);
      return "the-result";
    }), WorkerOptions.defaults());

    verify(queue, timeout(10_000)).complete(eq(id), anyString(), eq("the-result"));
    verify(queue).progress(eq(id), anyString(), anyInt());
    verify(queue, never()).fail(any(), anyString(), anyString(), any());
  }

  @Test
  void aBusyWorkerCompletesAJobAndClaimsTheNextInOneCallOnTheSameThread() {
    JobId second = JobId.of("job-2");
    ArgumentCaptor<List<ClaimRequest>> chained = listCaptor();
    when(queue.completeAllAndClaim(argThat(f -> f != null && f.size() == 1 && f.get(0).id().equals(id)), chained.capture()))
        .thenReturn(new Completions(List.of(true), List.of(Claim.of(active(second)), Claim.none())));
    when(queue.completeAllAndClaim(argThat(f -> f != null && f.size() == 1 && f.get(0).id().equals(second)), any()))
        .thenReturn(new Completions(List.of(true), List.of(Claim.none())));
    List<String> ran = new CopyOnWriteArrayList<>();
    startBatching(job -> prepared(context -> {
      ran.add(job.id().value() + "@" + Thread.currentThread().getName());
      return "done";
    }), WorkerOptions.defaults());

    ArgumentCaptor<List<FinishedJob>> secondDone = listCaptor();
    verify(queue, timeout(10_000)).completeAllAndClaim(
        argThat(f -> f != null && f.size() == 1 && f.get(0).id().equals(second)), any());
    verify(queue, atLeast(2)).completeAllAndClaim(secondDone.capture(), any());
    // the second job was held under the token of the chained claim that got it, and ran where the first did
    assertThat(secondDone.getValue().get(0).token()).isEqualTo(chained.getValue().get(0).token());
    assertThat(chained.getValue()).allSatisfy(r -> assertThat(r.workerId()).isEqualTo(worker.workerId()));
    assertThat(chained.getValue()).extracting(ClaimRequest::token).doesNotHaveDuplicates();
    assertThat(ran).hasSize(2);
    assertThat(ran.get(0)).startsWith("job-1@");
    assertThat(ran.get(1)).isEqualTo("job-2@" + ran.get(0).substring("job-1@".length()));
    verify(queue, never()).complete(any(), anyString(), anyString());
  }

  @Test
  void shortJobsAreClaimedSeveralAtATimeAndTheirCompletionsRecordedTogether() {
    JobId second = JobId.of("job-2");
    JobId third = JobId.of("job-3");
    ArgumentCaptor<List<ClaimRequest>> firstClaims = listCaptor();
    when(queue.completeAllAndClaim(argThat(f -> f != null && f.size() == 1 && f.get(0).id().equals(id)), firstClaims.capture()))
        .thenReturn(new Completions(List.of(true), List.of(Claim.of(active(second)), Claim.of(active(third)))));
    ArgumentCaptor<List<FinishedJob>> batch = listCaptor();
    ArgumentCaptor<List<ClaimRequest>> batchClaims = listCaptor();
    when(queue.completeAllAndClaim(argThat(f -> f != null && f.size() == 2), any()))
        .thenReturn(new Completions(List.of(true, true), List.of(Claim.none())));
    startBatching(handler(() -> { }), WorkerOptions.defaults());

    verify(queue, timeout(10_000)).completeAllAndClaim(argThat(f -> f != null && f.size() == 2), batchClaims.capture());
    verify(queue, atLeast(2)).completeAllAndClaim(batch.capture(), any());
    List<FinishedJob> two = batch.getAllValues().stream().filter(f -> f.size() == 2).findFirst().orElseThrow();
    // both were short: the next round asks for twice as many
    assertThat(batchClaims.getValue()).hasSize(4);
    assertThat(two).extracting(FinishedJob::id).containsExactly(second, third);
    assertThat(two).extracting(FinishedJob::token)
        .containsExactly(firstClaims.getValue().get(0).token(), firstClaims.getValue().get(1).token());
    assertThat(firstClaims.getValue()).hasSize(2);
    Await.until("the jobs to leave", Duration.ofSeconds(10), () -> worker.activeJobs() == 0);
    verify(queue, never()).complete(any(), anyString(), anyString());
  }

  @Test
  void aCompletionHeldForABatchIsRecordedByTheTimerWhenTheNextJobRunsLong() throws Exception {
    JobId second = JobId.of("job-2");
    when(queue.completeAllAndClaim(argThat(f -> f != null && f.size() == 1 && f.get(0).id().equals(id)), any()))
        .thenReturn(new Completions(List.of(true), List.of(Claim.of(active(second)), Claim.of(active(JobId.of("job-3"))))));
    when(queue.completeAllAndClaim(argThat(f -> f != null && f.size() == 1 && f.get(0).id().equals(second)), any()))
        .thenReturn(new Completions(List.of(true), List.of()));
    CountDownLatch release = new CountDownLatch(1);
    startBatching(job -> prepared(context -> {
      if (job.id().value().equals("job-3")) {
        release.await(); // a long job after a short one of the same batch
      }
      return "done";
    }), WorkerOptions.defaults());

    // job-2's completion is recorded (claiming nothing: the timer only records) while job-3 still runs
    verify(queue, timeout(10_000)).completeAllAndClaim(
        argThat(f -> f != null && f.size() == 1 && f.get(0).id().equals(second) && f.get(0).result().equals("done")),
        eq(List.of()));
    assertThat(release.getCount()).isEqualTo(1);
    release.countDown();
  }

  @Test
  void aJobCancelledWhileWaitingInAClaimedBatchIsFailedWithoutRunning() {
    JobId second = JobId.of("job-2");
    when(queue.completeAllAndClaim(argThat(f -> f != null && f.size() == 1 && f.get(0).id().equals(id)), any()))
        .thenReturn(new Completions(List.of(true), List.of(Claim.of(active(JobId.of("slow"))), Claim.of(active(second)))));
    // The cancel is heard on lock renewal while job-2 waits for "slow" to end. Renewals run one
    // after the other: by the second, the first's answer has been acted on.
    CountDownLatch renewedTwice = new CountDownLatch(2);
    doAnswer(inv -> {
      renewedTwice.countDown();
      return LockStatus.CANCELLED;
    }).when(queue).renewLock(eq(second), anyString(), any());
    when(queue.renewLock(eq(JobId.of("slow")), anyString(), any())).thenReturn(LockStatus.HELD);
    List<String> ran = new CopyOnWriteArrayList<>();
    startBatching(job -> prepared(context -> {
      ran.add(job.id().value());
      if (job.id().value().equals("slow")) {
        renewedTwice.await();
      }
      return "done";
    }), WorkerOptions.builder().lockRenewInterval(Duration.ofMillis(20)).build());

    verify(queue, timeout(10_000)).fail(eq(second), anyString(), eq("job was cancelled"), isNull());
    assertThat(ran).doesNotContain("job-2");
  }

  private QueuedJob active(JobId job) {
    return new QueuedJob(job, "{}", JobState.ACTIVE, 5, 0, 0, 3, 0, clock.instant(), clock.instant(),
        null, null, null, null);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> ArgumentCaptor<List<T>> listCaptor() {
    return (ArgumentCaptor) ArgumentCaptor.forClass(List.class);
  }

  @Test
  void aWorkerRunsAsManyJobsAtOnceAsItsConcurrencyAndClaimsNoMore() throws Exception {
    QueuedJob[] jobs = new QueuedJob[3];
    for (int i = 0; i < jobs.length; i++) {
      jobs[i] = new QueuedJob(JobId.of("job-" + (i + 1)), "{}", JobState.ACTIVE, 5, 0, 0, 3, 0, clock.instant(),
          clock.instant(), null, null, null, null);
    }
    when(queue.claim(any())).thenReturn(Claim.of(jobs[0]), Claim.of(jobs[1]), Claim.of(jobs[2]), Claim.none());
    CountDownLatch twoRunning = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    start(handler(() -> {
      twoRunning.countDown();
      release.await();
    }), WorkerOptions.builder().concurrency(2).build());

    assertThat(twoRunning.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("two jobs running at once").isTrue();
    // both threads are busy: none is left to claim the third job
    verify(queue, times(2)).claim(any());
    assertThat(worker.activeJobs()).isEqualTo(2);

    release.countDown();
    verify(queue, timeout(10_000)).complete(eq(jobs[2].id()), anyString(), eq("unused"));
  }

  @Test
  void whenCompletingAndClaimingFailsTheCompletionIsRecordedOnItsOwn() {
    when(queue.completeAllAndClaim(any(), any())).thenThrow(new QueueException("Unexpected end of stream", null));
    when(queue.complete(any(), anyString(), anyString())).thenReturn(true);
    startBatching(handler(() -> { }), WorkerOptions.defaults());

    verify(queue, timeout(10_000)).complete(eq(id), anyString(), eq("unused"));
    verify(queue, times(1)).completeAllAndClaim(any(), any());
    verify(queue, never()).fail(any(), anyString(), anyString(), any());
  }

  /** A handler with this test's options whose work is {@code body}. */
  private JobHandler handler(Body body) {
    return job -> prepared(context -> {
      body.run();
      return "unused";
    });
  }

  /** A prepared job with this test's options whose work is {@code work}. */
  private JobHandler.Prepared prepared(Work work) {
    return new JobHandler.Prepared() {
      @Override
      public JobOptions options() {
        return fixedBackoff;
      }

      @Override
      public String run(JobContext context) throws Exception {
        return work.run(context);
      }
    };
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  @FunctionalInterface
  private interface Work {
    String run(JobContext context) throws Exception;
  }
}
