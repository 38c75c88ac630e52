package com.snapasset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anySet;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doCallRealMethod;
import static org.mockito.Mockito.doThrow;
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
import com.snapasset.OutagePolicy;
import com.snapasset.ProviderException;
import com.snapasset.QueueException;
import com.snapasset.StorageException;
import com.snapasset.WorkerOptions;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueueEventListener;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker when dependencies are down, the queue is unreachable or a job is cancelled: what it
 * tells a mocked queue.
 */
class QueueWorkerOutageTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final JobQueue queue = mock(JobQueue.class);
  private final JobId id = JobId.of("job-1");
  private final JobOptions options = JobOptions.builder().backoff(Backoff.fixed(Duration.ofSeconds(5))).build();
  private final Outages outages = new Outages(OutagePolicy.defaults(), clock, new Random(1));
  private final AtomicReference<QueueEventListener> listener = new AtomicReference<>();
  private QueueWorker worker;

  @BeforeEach
  void queueHandsOutOneJob() throws Exception {
    handOut(clock.instant());
    doAnswer(inv -> {
      Thread.sleep(5); // an idle queue blocks for a while; keep the mock from spinning
      return null;
    }).when(queue).awaitWork(any());
    // The SPI's default (awaitWork, then claim): the waits and claims the tests stub and count.
    doCallRealMethod().when(queue).awaitWorkAndClaim(any(), any());
    when(queue.subscribe(anySet(), any())).thenAnswer(inv -> {
      assertThat(inv.<Set<QueueEvent.Type>>getArgument(0)).containsExactly(QueueEvent.Type.CANCEL_REQUESTED);
      listener.set(inv.getArgument(1));
      return (Subscription) () -> {};
    });
    // What a queue answers, from the SPI's own default (complete, then claim).
    when(queue.completeAndClaim(any(), anyString(), anyString(), any())).thenCallRealMethod();
    when(queue.complete(any(), anyString(), anyString())).thenReturn(true);
    when(queue.fail(any(), anyString(), anyString(), any())).thenReturn(true);
    when(queue.postpone(any(), anyString(), any(), anyString())).thenReturn(true);
  }

  private void handOut(Instant createdAt) {
    QueuedJob job = new QueuedJob(id, "{}", JobState.ACTIVE, 5, 0, 0, 3, 0, createdAt, clock.instant(),
        null, null, null, null);
    when(queue.claim(any())).thenReturn(Claim.of(job)).thenReturn(Claim.none());
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
  }

  private void start(JobHandler.Prepared prepared, WorkerOptions workerOptions) {
    // Every job counts as long: one job per call (completeAndClaim), however fast the machine.
    worker = new QueueWorker("test-worker", queue, job -> prepared, workerOptions, clock, outages)
        .shortJobsUnder(Duration.ZERO)
        .start();
  }

  private void start(JobHandler.Prepared prepared) {
    start(prepared, WorkerOptions.defaults());
  }

  @Test
  void aProviderOutagePostponesTheJobWithoutSpendingAnAttempt() {
    start(failing(ProviderException.retryable("OpenAI could not be reached", null, null)));

    verify(queue, timeout(10_000)).postpone(eq(id), anyString(), any(), eq("OpenAI could not be reached"));
    verify(queue, never()).fail(any(), anyString(), anyString(), any());
  }

  @Test
  void aStorageOutagePostponesTheJobToo() {
    start(failing(StorageException.retryable("S3 unreachable", null)));

    verify(queue, timeout(10_000)).postpone(eq(id), anyString(), any(), eq("S3 unreachable"));
    verify(queue, never()).fail(any(), anyString(), anyString(), any());
  }

  @Test
  void aRateLimitHoldsTheWholeQueueForTheTimeAskedAndPostponesTheJob() {
    start(failing(ProviderException.rateLimited("429", null, Duration.ofSeconds(7))));

    verify(queue, timeout(10_000)).postpone(eq(id), anyString(), eq(clock.instant().plusSeconds(7)), eq("429"));
    verify(queue).rateLimit(Duration.ofSeconds(7));
    verify(queue, never()).fail(any(), anyString(), anyString(), any());
  }

  @Test
  void aPermanentErrorStillFailsAtOnce() {
    start(failing(ProviderException.permanent("content policy", null)));

    verify(queue, timeout(10_000)).fail(eq(id), anyString(), eq("content policy"), isNull());
    verify(queue, never()).postpone(any(), anyString(), any(), anyString());
  }

  @Test
  void pastTheRetryBudgetTransientFaultsSpendAttemptsAgain() {
    handOut(clock.instant().minus(Duration.ofMinutes(31)));
    start(failing(ProviderException.retryable("503", null, null)));

    verify(queue, timeout(10_000)).fail(eq(id), anyString(), eq("503"), eq(clock.instant().plusSeconds(5)));
    verify(queue, never()).postpone(any(), anyString(), any(), anyString());
  }

  @Test
  void anOpenBreakerStopsClaimingUntilItsProbeIsDue() {
    CircuitBreaker provider = outages.breaker(Dependency.PROVIDER);
    for (int i = 0; i < 3; i++) {
      provider.onFailure();
    }
    assertThat(provider.state()).isEqualTo(CircuitBreaker.State.OPEN);
    start(succeeding());
    verify(queue, timeout(10_000).atLeastOnce()).heartbeat(anyString(), any());
    verify(queue, never()).claim(any());

    clock.advance(Duration.ofSeconds(5));

    verify(queue, timeout(10_000)).complete(eq(id), anyString(), eq("done"));
  }

  @Test
  void aJobClaimedWithAWaitDuringWhichADependencyWentDownGoesBackUnrun() throws Exception {
    QueuedJob job = new QueuedJob(id, "{}", JobState.ACTIVE, 5, 0, 0, 3, 0, clock.instant(), clock.instant(),
        null, null, null, null);
    when(queue.claim(any())).thenReturn(Claim.none()); // idle: the worker then waits and claims
    when(queue.release(any(), anyString())).thenReturn(true);
    CountDownLatch handedOut = new CountDownLatch(1);
    doAnswer(inv -> {
      if (handedOut.getCount() == 0) {
        Thread.sleep(5); // an idle queue blocks for a while; keep the mock from spinning
        return Claim.none();
      }
      // The provider fails three times while the worker waits: its breaker opens.
      CircuitBreaker provider = outages.breaker(Dependency.PROVIDER);
      for (int i = 0; i < 3; i++) {
        provider.onFailure();
      }
      handedOut.countDown();
      return Claim.of(job);
    }).when(queue).awaitWorkAndClaim(any(), any());
    CountDownLatch ran = new CountDownLatch(1);
    start(new Prepared(context -> {
      ran.countDown();
      return "done";
    }));

    verify(queue, timeout(10_000)).release(eq(id), anyString());
    assertThat(ran.getCount()).isEqualTo(1); // the handler never ran
    verify(queue, never()).complete(any(), anyString(), anyString());
  }

  @Test
  void aProgressUpdateThatFailsDoesNotFailThePaidAttempt() {
    when(queue.progress(any(), anyString(), anyInt())).thenThrow(new QueueException("Redis down", null));
    start(new Prepared(context -> {
      context.progress(10);
      return "done";
    }));

    verify(queue, timeout(10_000)).complete(eq(id), anyString(), eq("done"));
    verify(queue, never()).fail(any(), anyString(), anyString(), any());
  }

  @Test
  void aCompletionIsRecordedOnceTheQueueIsReachableAgain() {
    when(queue.complete(any(), anyString(), anyString()))
        .thenThrow(new QueueException("Unexpected end of stream", null))
        .thenThrow(new QueueException("Connection refused", null))
        .thenReturn(true);
    start(succeeding());

    verify(queue, timeout(10_000).times(3)).complete(eq(id), anyString(), eq("done"));
    verify(queue, never()).fail(any(), anyString(), anyString(), any());
  }

  @Test
  void aCancelEventStopsTheRunningJobAtOnce() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    // locks renewed only every 3 minutes: only the event can stop the job within the test
    start(new Prepared(context -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return "unreachable";
    }), WorkerOptions.builder().lockDuration(Duration.ofMinutes(10)).build());
    assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    long t0 = System.nanoTime();
    listener.get().onEvent(new QueueEvent(QueueEvent.Type.CANCEL_REQUESTED, id, 0, null));

    assertThat(interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    verify(queue, timeout(5_000)).fail(eq(id), anyString(), eq("job was cancelled"), isNull());
    verify(queue, never()).renewLock(any(), anyString(), any());
    System.out.printf("cancel event to job stopped: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
  }

  @Test
  void theWorkerBeatsWithItsIdAndSweepsDeadWorkers() {
    when(queue.claim(any())).thenReturn(Claim.none());
    start(succeeding());

    verify(queue, timeout(10_000).atLeastOnce()).heartbeat(eq(worker.workerId()), eq(Duration.ofSeconds(5)));
    verify(queue, timeout(10_000).atLeastOnce()).sweepStalled(1, 3);
    verify(queue, timeout(10_000).atLeast(1)).claim(org.mockito.ArgumentMatchers.argThat(
        r -> worker.workerId().equals(r.workerId()) && r.token().startsWith(worker.workerId() + ":")));
  }

  @Test
  void aWorkerWhoseHeartbeatFailedJudgesNobodyDeadUntilItBeatsAgainForATimeout() {
    when(queue.claim(any())).thenReturn(Claim.none());
    doThrow(new QueueException("Redis restarting", null)).doNothing().when(queue).heartbeat(anyString(), any());
    start(succeeding(), WorkerOptions.builder().heartbeatInterval(Duration.ofMillis(50))
        .workerTimeout(Duration.ofSeconds(3)).stalledCheckInterval(Duration.ofMillis(50)).build());

    verify(queue, timeout(10_000).atLeast(5)).heartbeat(anyString(), any());
    verify(queue, never()).sweepStalled(anyInt(), anyInt());
    verify(queue, timeout(10_000).atLeastOnce()).sweepStalled(anyInt(), anyInt());
  }

  private JobHandler.Prepared failing(RuntimeException error) {
    return new Prepared(context -> {
      throw error;
    });
  }

  private JobHandler.Prepared succeeding() {
    return new Prepared(context -> "done");
  }

  @FunctionalInterface
  private interface Work {
    String run(JobContext context) throws Exception;
  }

  private final class Prepared implements JobHandler.Prepared {
    private final Work work;

    Prepared(Work work) {
      this.work = work;
    }

    @Override
    public JobOptions options() {
      return options;
    }

    @Override
    public String run(JobContext context) throws Exception {
      return work.run(context);
    }
  }
}
