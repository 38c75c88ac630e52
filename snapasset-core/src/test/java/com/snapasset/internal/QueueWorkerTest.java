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
import static org.mockito.Mockito.doCallRealMethod;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.mockito.stubbing.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's decisions, seen through the calls it makes on a mocked queue. */
class QueueWorkerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final JobQueue queue = mock(JobQueue.class);
  private final JobId id = JobId.of("job-1");
  private final JobId second = JobId.of("job-2");
  private final JobId third = JobId.of("job-3");
  /** A job that runs long, in the tests of the jobs claimed behind one. */
  private final JobId slow = JobId.of("slow");
  private final JobOptions fixedBackoff = JobOptions.builder().backoff(Backoff.fixed(Duration.ofSeconds(5))).build();
  private QueueWorker worker;

  @BeforeEach
  void queueHandsOutOneJob() throws Exception {
    QueuedJob job = active(id);
    when(queue.claim(any())).thenReturn(Claim.of(job)).thenReturn(Claim.none());
    // What a queue answers, from the SPI's own default (complete, then claim).
    when(queue.completeAndClaim(any(), anyString(), anyString(), any())).thenCallRealMethod();
    // (null while a test stubs the method with its own matchers)
    doAnswer(inv -> inv.getArgument(0) == null ? null : inv.callRealMethod()).when(queue).completeAllAndClaim(any(), any());
    when(queue.complete(any(), anyString(), anyString())).thenReturn(true);
    when(queue.fail(any(), anyString(), anyString(), any())).thenReturn(true);
    when(queue.release(any(), anyString())).thenReturn(true);
    doAnswer(QueueWorkerTest::idleQueueWaits).when(queue).awaitWork(any());
    // The SPI's default (awaitWork, then claim): the waits and claims the tests stub and count.
    doCallRealMethod().when(queue).awaitWorkAndClaim(any(), any());
  }

  /** Never counted down: nothing is added to the mocked queue while a worker waits for work. */
  private static final CountDownLatch NOTHING_ADDED = new CountDownLatch(1);

  /** As an idle queue's awaitWork does: waits up to its argument, returns early when interrupted. */
  private static Object idleQueueWaits(org.mockito.invocation.InvocationOnMock inv) throws InterruptedException {
    Duration maxWait = inv.getArgument(0);
    NOTHING_ADDED.await(maxWait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    return null;
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
  }

  /** Starts a worker whose every job counts as long: one job per call (completeAndClaim), however fast the machine. */
  private void start(JobHandler handler, WorkerOptions options) {
    // assigned before start(): the job threads, started by it, may use the field
    worker = new QueueWorker("test-worker", queue, handler, options, clock).shortJobsUnder(Duration.ZERO);
    worker.start();
  }

  /**
   * One job slot: the batching tests script the queue's answers for one slot's sequence of calls.
   * With two, the second slot claims too (at start, and after each of its idle waits) and may take
   * a job meant for the first, or finish it first.
   */
  private static WorkerOptions oneSlot() {
    return WorkerOptions.builder().concurrency(1).build();
  }

  /** As {@link #start}, with every job short enough to be batched, however slow the machine. */
  private void startBatching(JobHandler handler, WorkerOptions options) {
    worker = new QueueWorker("test-worker", queue, handler, options, clock).shortJobsUnder(Duration.ofHours(1));
    worker.start();
  }

  @Test
  void aQueueWhoseAwaitWorkAndClaimAlwaysFailsStillHandsOutJobsThroughClaim() throws Exception {
    QueuedJob job = active(id);
    // Idle at first, so the worker's next call waits and claims; a job from the second claim on.
    when(queue.claim(any())).thenReturn(Claim.none()).thenReturn(Claim.of(job)).thenReturn(Claim.none());
    // As a store that refuses a command only the combined call needs (an ACL without TIME).
    doThrow(new QueueException("NOPERM this user has no permissions to run the 'time' command", null))
        .when(queue).awaitWorkAndClaim(any(), any());
    CountDownLatch ran = new CountDownLatch(1);
    start(j -> prepared(context -> {
      ran.countDown();
      return "done";
    }), oneSlot());

    assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    verify(queue, timeout(10_000)).complete(eq(id), anyString(), eq("done"));
  }

  @Test
  void aJobClaimedByTheWaitThatCloseInterruptedIsReleasedUnrun() throws Exception {
    QueuedJob job = active(id);
    when(queue.claim(any())).thenReturn(Claim.none()); // idle: the worker then waits and claims
    CountDownLatch waiting = new CountDownLatch(1);
    doAnswer(inv -> {
      waiting.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        // As a networked queue whose claim was already under way: the job comes back, and the
        // interrupt stays set.
        Thread.currentThread().interrupt();
      }
      return Claim.of(job);
    }).when(queue).awaitWorkAndClaim(any(), any());
    AtomicInteger ran = new AtomicInteger();
    start(j -> prepared(context -> {
      ran.incrementAndGet();
      return "done";
    }), oneSlot());
    assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

    worker.close();

    verify(queue, timeout(10_000)).release(eq(id), anyString());
    assertThat(ran).hasValue(0);
    verify(queue, never()).complete(any(), anyString(), anyString());
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

    verify(queue, timeout(10_000)).completeAndClaim(eq(id), anyString(), eq("the-result"), any());
    ArgumentCaptor<ClaimRequest> claim = ArgumentCaptor.forClass(ClaimRequest.class);
    verify(queue, atLeast(1)).claim(claim.capture());
    String token = claim.getAllValues().get(0).token();
    verify(queue).completeAndClaim(eq(id), eq(token), eq("the-result"), any());
    verify(queue).progress(eq(id), eq(token), eq(42));
    verify(queue, never()).fail(any(), anyString(), anyString(), any());
  }

  @Test
  void aJobClaimedAgainByTheCallThatFoundItsLockLostStaysRegisteredUnderItsNewClaim() throws Exception {
    // The job's lock ran out while it ran; the call that answers "not completed" claims it again.
    doReturn(new Completion(false, claimOf(id)), new Completion(true, Claim.none()))
        .when(queue).completeAndClaim(eq(id), anyString(), anyString(), any());
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch secondRunStarted = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    start(job -> prepared(context -> {
      if (runs.incrementAndGet() == 2) {
        secondRunStarted.countDown();
        finish.await();
      }
      return "run-" + runs.get();
    }), WorkerOptions.builder().lockRenewInterval(Duration.ofMillis(20)).build());

    assertThat(secondRunStarted.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the job runs again").isTrue();
    ArgumentCaptor<ClaimRequest> reclaim = ArgumentCaptor.forClass(ClaimRequest.class);
    verify(queue).completeAndClaim(eq(id), anyString(), eq("run-1"), reclaim.capture());
    // the entry of the new run, not only the finished one's, is in the worker's books: it is
    // renewed under the new token (and can be cancelled)
    assertThat(worker.activeJobs()).isEqualTo(1);
    verify(queue, timeout(10_000).atLeastOnce()).renewLock(eq(id), eq(reclaim.getValue().token()), any());
    finish.countDown();
    verify(queue, timeout(10_000)).completeAndClaim(eq(id), eq(reclaim.getValue().token()), eq("run-2"), any());
  }

  @Test
  void aBusyWorkerCompletesAJobAndClaimsTheNextInOneCallOnTheSameThread() {
    ArgumentCaptor<List<ClaimRequest>> chained = listCaptor();
    whenFinishing(id, chained, claimOf(second), Claim.none());
    whenFinishing(second, Claim.none());
    List<String> ran = new CopyOnWriteArrayList<>();
    startBatching(job -> prepared(context -> {
      ran.add(job.id().value() + "@" + Thread.currentThread().getName());
      return "done";
    }), WorkerOptions.defaults());

    ArgumentCaptor<List<FinishedJob>> secondDone = listCaptor();
    awaitRecorded(second);
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
  void afterAClaimThatTookTheLastReadyJobTheNextClaimerWaitsForWorkBeforeItClaims() throws Exception {
    List<Integer> claimsSeenByAwaitWork = claimsSeenByEachAwaitWork(Claim::ofLastReady);

    // One claim (the job's) before the first wait: the claimer after it did not ask for a job first.
    assertThat(claimsSeenByAwaitWork.get(0)).isEqualTo(1);
  }

  @Test
  void afterAClaimThatLeftJobsTheNextClaimerClaimsBeforeItWaits() throws Exception {
    List<Integer> claimsSeenByAwaitWork = claimsSeenByEachAwaitWork(Claim::of);

    assertThat(claimsSeenByAwaitWork.get(0)).isEqualTo(2); // the job's claim, then one that found none
  }

  /** Hands out one job by {@code claimOf}, then none; returns how many claims each awaitWork followed. */
  private List<Integer> claimsSeenByEachAwaitWork(java.util.function.Function<QueuedJob, Claim> claimOf)
      throws Exception {
    QueuedJob job = active(id);
    AtomicInteger claims = new AtomicInteger();
    List<Integer> seen = new CopyOnWriteArrayList<>();
    CountDownLatch twoWaits = new CountDownLatch(2);
    doAnswer(inv -> claims.incrementAndGet() == 1 ? claimOf.apply(job) : Claim.none()).when(queue).claim(any());
    // The job's completion claims nothing: only the claim loop's own claims are counted.
    doReturn(new Completion(true, Claim.none())).when(queue).completeAndClaim(any(), anyString(), anyString(), any());
    doAnswer(inv -> {
      seen.add(claims.get());
      twoWaits.countDown();
      return idleQueueWaits(inv);
    }).when(queue).awaitWork(any());
    worker = new QueueWorker("test-worker", queue, handler(() -> { }), oneSlot(), clock)
        .shortJobsUnder(Duration.ZERO).lastReadyFreshFor(Duration.ofHours(1)); // however slow the machine
    worker.start();

    assertThat(twoWaits.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return seen;
  }

  @Test
  void shortJobsAreClaimedSeveralAtATimeAndTheirCompletionsRecordedTogether() {
    ArgumentCaptor<List<ClaimRequest>> firstClaims = listCaptor();
    whenFinishing(id, firstClaims, claimOf(second), claimOf(third));
    ArgumentCaptor<List<FinishedJob>> batch = listCaptor();
    ArgumentCaptor<List<ClaimRequest>> batchClaims = listCaptor();
    when(queue.completeAllAndClaim(argThat(f -> f != null && f.size() == 2), any()))
        .thenReturn(new Completions(List.of(true, true), List.of(Claim.none())));
    startBatching(handler(() -> { }), oneSlot());

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
  void aBusyChainOfShortJobsNeverClaimsMoreThanMaxBatchInOneCall() {
    int total = 20 * QueueWorker.MAX_BATCH;
    AtomicInteger handedOut = new AtomicInteger(1); // job-1, from claim()
    AtomicInteger recorded = new AtomicInteger();
    List<Integer> asked = new CopyOnWriteArrayList<>();
    answerEveryBatch((finished, requests) -> {
      asked.add(requests.size());
      recorded.addAndGet(finished.size());
      List<Claim> claims = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        int n = handedOut.incrementAndGet();
        if (n > total) {
          claims.add(Claim.none()); // claiming stops at the first claim that gets no job
          break;
        }
        claims.add(claimOf(JobId.of("job-" + n)));
      }
      return claims;
    });
    startBatching(handler(() -> { }), oneSlot());

    Await.until("every job to be recorded", Duration.ofSeconds(10),
        () -> recorded.get() + countCompletes() >= total && worker.activeJobs() == 0);
    assertThat(asked).as("claims asked for per call").allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(QueueWorker.MAX_BATCH));
    // the batch doubled up to the cap (so the cap, not a smaller limit, is what held it)
    assertThat(asked).contains(QueueWorker.MAX_BATCH);
  }

  private int countCompletes() {
    return (int) mockingDetails(queue).getInvocations().stream()
        .filter(i -> i.getMethod().getName().equals("complete")).count();
  }

  @Test
  void aCompletionHeldForABatchIsRecordedByTheTimerWhenTheNextJobRunsLong() throws Exception {
    whenFinishing(id, claimOf(second), claimOf(third));
    whenFinishing(second);
    CountDownLatch release = new CountDownLatch(1);
    // a long job after a short one of the same batch
    startBatching(withLongJob(third, release::await, new CopyOnWriteArrayList<>()), oneSlot());

    // job-2's completion is recorded (claiming nothing: the timer only records) while job-3 still runs
    verify(queue, timeout(10_000)).completeAllAndClaim(
        argThat(f -> f != null && f.size() == 1 && f.get(0).id().equals(second) && f.get(0).result().equals("done")),
        eq(List.of()));
    // ...job-3's own completion is not: it is still running (the only job running: job-2 is done)
    verify(queue, never()).completeAllAndClaim(
        argThat(f -> f != null && f.stream().anyMatch(j -> j.id().equals(third))), any());
    assertThat(worker.activeJobs()).isEqualTo(1);
    release.countDown();
  }

  @Test
  void completionsTheTimerCouldNotRecordAreRecordedWhenTheWorkerCloses() throws Exception {
    // The queue cannot be reached from the timer (its tries keep failing), but can from close().
    CountDownLatch timerFailed = new CountDownLatch(1);
    AtomicReference<String> recordedOn = new AtomicReference<>();
    whenRecordingAlone(second, inv -> {
      if (onTheTimer()) {
        timerFailed.countDown();
        throw new QueueException("Connection refused", null);
      }
      recordedOn.set(Thread.currentThread().getName());
      return new Completions(List.of(true), List.of());
    });
    CountDownLatch release = startWithJob2HeldBehindALongJob3(oneSlot());

    assertThat(timerFailed.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the timer tried").isTrue();
    release.countDown();
    worker.close();

    assertThat(recordedOn.get()).as("job-2 recorded, by the closing thread").isEqualTo(Thread.currentThread().getName());
    verify(queue).leave(worker.workerId()); // nothing left in the worker's books
  }

  @Test
  void aCompletionTheTimerCouldNotRecordIsTriedAgainByTheTimerItsLockRenewedMeanwhile() throws Exception {
    // The timer's first two tries fail, its third succeeds. Tries and renewals run on the one
    // timer thread: the counts below need no locking.
    AtomicInteger tries = new AtomicInteger();
    List<String> triedOn = new CopyOnWriteArrayList<>();
    whenRecordingAlone(second, inv -> {
      triedOn.add(Thread.currentThread().getName());
      if (tries.incrementAndGet() <= 2) {
        throw new QueueException("Connection refused", null);
      }
      return new Completions(List.of(true), List.of());
    });
    AtomicInteger secondRenewalsBetweenTries = new AtomicInteger();
    AtomicInteger secondRenewalsAfterRecorded = new AtomicInteger();
    AtomicInteger thirdRenewalsAfterRecorded = new AtomicInteger();
    doAnswer(inv -> {
      if (tries.get() >= 3) {
        secondRenewalsAfterRecorded.incrementAndGet();
      } else if (tries.get() >= 1) {
        secondRenewalsBetweenTries.incrementAndGet();
      }
      return LockStatus.HELD;
    }).when(queue).renewLock(eq(second), anyString(), any());
    countRenewals(third, () -> tries.get() >= 3, thirdRenewalsAfterRecorded);
    CountDownLatch release = startWithJob2HeldBehindALongJob3(oneSlotRenewingEvery20Ms());

    // recorded by the timer's third try, job-3 still running; 10 renewals of job-3's lock after it
    Await.until("the timer's third try, then 10 renewals", Duration.ofSeconds(10),
        () -> thirdRenewalsAfterRecorded.get() >= 10);
    assertThat(triedOn).hasSize(3).allSatisfy(t -> assertThat(t).startsWith("test-worker-timer"));
    // job-2's lock was renewed between the failed tries (pauses of 100 and 200 ms, renewals every
    // 20 ms), and no longer once its completion was recorded
    assertThat(secondRenewalsBetweenTries.get()).isGreaterThan(0);
    assertThat(secondRenewalsAfterRecorded).hasValue(0);
    release.countDown();
    awaitRecorded(third);
    worker.close();
    assertThat(tries).hasValue(3); // close() had nothing left to record
    verify(queue).leave(worker.workerId());
  }

  @Test
  void closeTriesToRecordTheTimersCompletionsForTheShutdownGraceNotForALockDuration() throws Exception {
    // job-2's completion can be recorded neither by the timer nor by close()
    CountDownLatch timerFailed = new CountDownLatch(1);
    AtomicInteger closeTries = new AtomicInteger();
    whenRecordingAlone(second, inv -> {
      if (onTheTimer()) {
        timerFailed.countDown();
      } else {
        closeTries.incrementAndGet();
      }
      throw new QueueException("Connection refused", null);
    });
    // a lock of 30 s (the default) against a grace of 1 s
    CountDownLatch release = startWithJob2HeldBehindALongJob3(
        WorkerOptions.builder().concurrency(1).shutdownGrace(Duration.ofSeconds(1)).build());
    assertThat(timerFailed.await(10, TimeUnit.SECONDS)).as("the timer tried").isTrue();
    release.countDown();
    awaitRecorded(third);

    long closeMillis = closeTimed();
    System.out.printf("close() with a held completion unrecordable, grace 1 s: %d ms%n", closeMillis);

    assertThat(closeTries.get()).as("close() tried again").isGreaterThan(1);
    assertThat(closeMillis).as("close() with the completion unrecordable, grace 1 s, lock 30 s").isLessThan(5_000);
  }

  @Test
  void aJobCancelledWhileWaitingInABatchIsFailedNotReleasedWhenTheWorkerStops() throws Exception {
    whenFinishing(id, claimOf(slow), claimOf(second));
    CountDownLatch renewedTwice = cancelledOnRenewal(second, slow);
    List<String> ran = new CopyOnWriteArrayList<>();
    AtomicInteger activeWhileSlowRan = new AtomicInteger(-1);
    AtomicReference<Thread> closing = new AtomicReference<>();
    startBatching(withLongJob(slow, () -> {
      activeWhileSlowRan.set(worker.activeJobs()); // job-2 waits: claimed, not running
      renewedTwice.await(); // job-2 is cancelled by now
      // the worker stops while job-2 waits behind this job
      Thread t = new Thread(worker::close, "closing");
      closing.set(t);
      t.start();
      Await.until("the worker to stop", Duration.ofSeconds(10), () -> !worker.isRunning());
    }, ran), oneSlotRenewingEvery20Ms());

    verify(queue, timeout(10_000)).fail(eq(second), anyString(), eq("job was cancelled"), isNull());
    verify(queue, never()).release(eq(second), anyString());
    assertThat(ran).containsExactly("job-1", "slow");
    assertThat(activeWhileSlowRan.get()).isEqualTo(1);
    closing.get().join(10_000);
  }

  @Test
  void aJobThatRunsLongReleasesTheClaimedJobsWaitingBehindIt() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch finish = new CountDownLatch(1);
    ArgumentCaptor<List<ClaimRequest>> claims =
        startWithJob2WaitingBehindSlow(Duration.ofMillis(1), finish::await, ran, oneSlot());

    verify(queue, timeout(10_000)).release(eq(second), anyString());
    verify(queue).release(second, claims.getValue().get(1).token());
    assertThat(worker.activeJobs()).isEqualTo(1);
    finish.countDown();
    awaitRecorded(slow);
    worker.close();
    assertThat(ran).containsExactly("job-1", "slow");
    verify(queue).leave(worker.workerId());
  }

  @Test
  void closingWithClaimedJobsWaitingGivesAllTheirReleasesOneLockDurationWhileTheQueueIsUnreachable() throws Exception {
    int waiting = 8;
    AtomicInteger fillers = new AtomicInteger();
    // Rounds of short jobs double the batch (2, 4, 8, 16); the first call that may claim more than
    // `waiting` hands out "slow" and `waiting` jobs behind it, later calls claim nothing.
    AtomicBoolean slowHandedOut = new AtomicBoolean();
    answerEveryBatch((finished, requests) -> {
      List<Claim> claims = new ArrayList<>();
      if (requests.size() > waiting && slowHandedOut.compareAndSet(false, true)) {
        claims.add(claimOf(slow));
        for (int i = 1; i <= waiting; i++) {
          claims.add(claimOf(JobId.of("waiting-" + i)));
        }
      } else if (!slowHandedOut.get()) {
        for (int i = 0; i < requests.size(); i++) {
          claims.add(claimOf(JobId.of("filler-" + fillers.incrementAndGet())));
        }
      }
      return claims;
    });
    when(queue.release(any(), anyString())).thenThrow(new QueueException("Connection refused", null));
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch slowRuns = new CountDownLatch(1);
    // A short lock keeps the test fast; the timer's release of waiting jobs stays off (startBatching).
    startBatching(withLongJob(slow, () -> {
      slowRuns.countDown();
      awaitClosing();
    }, ran), WorkerOptions.builder().concurrency(1).lockDuration(Duration.ofSeconds(1)).build());
    assertThat(slowRuns.await(10, TimeUnit.SECONDS)).isTrue();

    long closeMillis = closeTimed();
    System.out.printf("close() with %d releases failing, lock 1 s: %d ms%n", waiting, closeMillis);

    for (int i = 1; i <= waiting; i++) {
      verify(queue, atLeast(1)).release(eq(JobId.of("waiting-" + i)), anyString());
    }
    // the releases were retried (durably), within one lock duration for all of them: with a lock's
    // duration each, the 8 would keep close() busy for about 8 x 0.7 s
    assertThat(mockingDetails(queue).getInvocations().stream()
        .filter(i -> i.getMethod().getName().equals("release")).count()).isGreaterThan(waiting);
    assertThat(closeMillis).as("close() with %d releases failing, lock 1 s", waiting).isLessThan(4_000);
    assertThat(ran).doesNotContain("waiting-1").contains("slow");
  }

  @Test
  void aReleaseByTheTimerThatFailsIsTriedOnceAndTheJobLeftToItsExpiringLock() throws Exception {
    // Renewals and the timer's release run on the one timer thread: these counts need no locking.
    AtomicBoolean releaseFailed = new AtomicBoolean();
    AtomicInteger slowRenewalsAfter = new AtomicInteger();
    AtomicInteger secondRenewalsAfter = new AtomicInteger();
    doAnswer(inv -> {
      releaseFailed.set(true);
      throw new QueueException("Connection refused", null);
    }).when(queue).release(eq(second), anyString());
    countRenewals(slow, releaseFailed::get, slowRenewalsAfter);
    countRenewals(second, releaseFailed::get, secondRenewalsAfter);
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch finish = new CountDownLatch(1);
    startWithJob2WaitingBehindSlow(Duration.ofMillis(1), finish::await, ran, oneSlotRenewingEvery20Ms());

    // The timer goes on renewing the long job's lock: 10 renewals (200 ms) span a retry's first
    // pause (100 ms), had the timer retried.
    Await.until("10 renewals of the long job's lock after the failed release", Duration.ofSeconds(10),
        () -> slowRenewalsAfter.get() >= 10);
    verify(queue, times(1)).release(eq(second), anyString());
    // job-2 left the worker's books: its lock is no longer renewed, so it expires and another worker takes it
    assertThat(secondRenewalsAfter).hasValue(0);
    assertThat(worker.activeJobs()).isEqualTo(1);
    finish.countDown();
    awaitRecorded(slow);
    worker.close();
    assertThat(ran).containsExactly("job-1", "slow");
    verify(queue).leave(worker.workerId()); // nothing of job-2 left in the worker's books
  }

  @Test
  void closeWaitsForTheTimersReleaseInFlightAndThenLeavesTheQueue() throws Exception {
    CountDownLatch releasing = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    AtomicBoolean released = new AtomicBoolean();
    doAnswer(inv -> {
      releasing.countDown();
      Await.uninterruptibly(answer); // as a blocking socket read: an interrupt does not cut the call short
      released.set(true);
      return true;
    }).when(queue).release(eq(second), anyString());
    startWithJob2WaitingBehindSlow(Duration.ofMillis(1), this::awaitClosing, new CopyOnWriteArrayList<>(), oneSlot());
    assertThat(releasing.await(10, TimeUnit.SECONDS)).as("the timer releases job-2").isTrue();

    Thread closing = new Thread(worker::close, "closing");
    closing.start();
    closing.join(500);
    // close() has not returned while its own call to the queue is under way (half a second is
    // ample for it to get there: the job ends as soon as the worker closes)
    boolean closeWaited = closing.isAlive();
    answer.countDown(); // the queue answers the release
    closing.join(10_000);

    assertThat(closeWaited).as("close() waits for the timer's release in flight").isTrue();
    assertThat(closing.isAlive()).isFalse();
    assertThat(released).isTrue();
    // job-2 is released, so the worker leaves the queue (not left for its heartbeat to expire)
    verify(queue).leave(worker.workerId());
  }

  @Test
  void aWaitingJobWhoseLockWasLostIsLeftToItsNewOwnerWhenTheTimerReleasesTheJobsBehindALongOne() throws Exception {
    CountDownLatch finish = waitBehindALongJobWhoseRenewalSays(LockStatus.LOST);

    // the timer took job-2 out of the worker's books: ten renewals of the long job's lock in a row
    // without one of job-2's
    Await.until("job-2's lock no longer renewed", Duration.ofSeconds(10), () -> slowRenewalsSinceSecond.get() >= 10);
    verify(queue, never()).release(eq(second), anyString());
    verify(queue, never()).fail(eq(second), anyString(), anyString(), any());
    finish.countDown();
  }

  @Test
  void aWaitingJobCancelledIsFailedNotReleasedWhenTheTimerReleasesTheJobsBehindALongOne() throws Exception {
    AtomicReference<String> failedOn = new AtomicReference<>();
    doAnswer(inv -> {
      failedOn.set(Thread.currentThread().getName());
      return true;
    }).when(queue).fail(eq(second), anyString(), anyString(), any());
    CountDownLatch finish = waitBehindALongJobWhoseRenewalSays(LockStatus.CANCELLED);

    // releasing it would clear the cancel request and let it run elsewhere
    verify(queue, timeout(10_000)).fail(eq(second), anyString(), eq("job was cancelled"), isNull());
    assertThat(failedOn.get()).startsWith("test-worker-timer");
    verify(queue, never()).release(eq(second), anyString());
    finish.countDown();
  }

  /** Renewals of the long job's lock since job-2's last one. */
  private final AtomicInteger slowRenewalsSinceSecond = new AtomicInteger();

  /**
   * Starts a chain whose long job "slow" runs until the returned latch is counted down, with
   * job-2 claimed behind it; the renewal of job-2's lock answers {@code status}
   * from the first renewal on, which comes before the timer releases it (20 ms against 200 ms, on
   * the one timer thread).
   */
  private CountDownLatch waitBehindALongJobWhoseRenewalSays(LockStatus status) {
    countRenewals(slow, () -> true, slowRenewalsSinceSecond);
    doAnswer(inv -> {
      slowRenewalsSinceSecond.set(0);
      return status;
    }).when(queue).renewLock(eq(second), anyString(), any());
    CountDownLatch finish = new CountDownLatch(1);
    startWithJob2WaitingBehindSlow(Duration.ofMillis(200), finish::await, new CopyOnWriteArrayList<>(),
        oneSlotRenewingEvery20Ms());
    return finish;
  }

  @Test
  void anAnswerOfTheWrongShapeFromTheQueueIsRejectedAndNothingOfItIsKept() {
    // three claims for the two requested
    whenFinishing(id, claimOf(second), claimOf(third), claimOf(JobId.of("job-4")));
    List<String> ran = new CopyOnWriteArrayList<>();
    startBatching(job -> prepared(context -> {
      ran.add(job.id().value());
      return "done";
    }), oneSlot());

    // recorded on its own, as after a failed call
    verify(queue, timeout(10_000)).complete(eq(id), anyString(), eq("done"));
    worker.close();
    assertThat(ran).containsExactly("job-1");
    verify(queue).leave(worker.workerId()); // no claim of the answer was kept in the worker's books
  }

  @Test
  void aJobCancelledWhileWaitingInAClaimedBatchIsFailedWithoutRunning() {
    whenFinishing(id, claimOf(slow), claimOf(second));
    // The cancel is heard on lock renewal while job-2 waits for "slow" to end.
    CountDownLatch renewedTwice = cancelledOnRenewal(second, slow);
    List<String> ran = new CopyOnWriteArrayList<>();
    startBatching(withLongJob(slow, renewedTwice::await, ran), oneSlotRenewingEvery20Ms());

    verify(queue, timeout(10_000)).fail(eq(second), anyString(), eq("job was cancelled"), isNull());
    assertThat(ran).doesNotContain("job-2");
  }

  /** Matches the finished jobs of a call that records {@code job}'s completion alone. */
  private static List<FinishedJob> finishing(JobId job) {
    return argThat(f -> f != null && f.size() == 1 && f.get(0).id().equals(job));
  }

  /** The queue records {@code finished}, handed in alone, and answers the claims asked with {@code claims}. */
  private void whenFinishing(JobId finished, Claim... claims) {
    when(queue.completeAllAndClaim(finishing(finished), any()))
        .thenReturn(new Completions(List.of(true), List.of(claims)));
  }

  /** As {@link #whenFinishing(JobId, Claim...)}, capturing the claims the call asks for. */
  private void whenFinishing(JobId finished, ArgumentCaptor<List<ClaimRequest>> requests, Claim... claims) {
    when(queue.completeAllAndClaim(finishing(finished), requests.capture()))
        .thenReturn(new Completions(List.of(true), List.of(claims)));
  }

  /**
   * The queue answers a call that records {@code job} alone and claims nothing
   * (the timer's, close()'s) by {@code answer}.
   */
  private void whenRecordingAlone(JobId job, Answer<?> answer) {
    doAnswer(answer).when(queue).completeAllAndClaim(finishing(job), eq(List.of()));
  }

  /** The queue records every batch handed to it whole, and claims what {@code claimsFor} gives for it. */
  private void answerEveryBatch(BiFunction<List<FinishedJob>, List<ClaimRequest>, List<Claim>> claimsFor) {
    doAnswer(inv -> {
      List<FinishedJob> finished = inv.getArgument(0);
      if (finished == null) {
        return null; // stubbing
      }
      List<Claim> claims = claimsFor.apply(finished, inv.getArgument(1));
      return new Completions(finished.stream().map(f -> true).toList(), claims);
    }).when(queue).completeAllAndClaim(any(), any());
  }

  /** Waits for the worker to record {@code job}'s completion alone. */
  private void awaitRecorded(JobId job) {
    verify(queue, timeout(10_000)).completeAllAndClaim(finishing(job), any());
  }

  /** {@code job}'s lock is held; each renewal made while {@code counted} is true adds one to {@code count}. */
  private void countRenewals(JobId job, BooleanSupplier counted, AtomicInteger count) {
    doAnswer(inv -> {
      if (counted.getAsBoolean()) {
        count.incrementAndGet();
      }
      return LockStatus.HELD;
    }).when(queue).renewLock(eq(job), anyString(), any());
  }

  /**
   * {@code waiting} is cancelled, as its lock's renewals say, while {@code longJob}'s lock is held.
   * The latch returned is counted down at {@code waiting}'s first two renewals: renewals run one
   * after the other, so by the second the first's answer has been acted on.
   */
  private CountDownLatch cancelledOnRenewal(JobId waiting, JobId longJob) {
    CountDownLatch renewedTwice = new CountDownLatch(2);
    doAnswer(inv -> {
      renewedTwice.countDown();
      return LockStatus.CANCELLED;
    }).when(queue).renewLock(eq(waiting), anyString(), any());
    when(queue.renewLock(eq(longJob), anyString(), any())).thenReturn(LockStatus.HELD);
    return renewedTwice;
  }

  /**
   * Starts a batching worker whose job-1's completion claims job-2 and job-3: job-2 is short, so
   * its completion is held for a batch, and job-3 runs until the returned latch is counted down,
   * so job-2's completion goes to the timer meanwhile. job-3's own completion claims nothing.
   */
  private CountDownLatch startWithJob2HeldBehindALongJob3(WorkerOptions options) {
    whenFinishing(id, claimOf(second), claimOf(third));
    whenFinishing(third, Claim.none());
    CountDownLatch release = new CountDownLatch(1);
    startBatching(withLongJob(third, release::await, new CopyOnWriteArrayList<>()), options);
    return release;
  }

  /**
   * Starts a batching worker whose job-1's completion claims "slow" and job-2 behind it: "slow"
   * runs {@code whileSlow}, and the timer releases job-2 once it has waited {@code releaseAfter}.
   * slow's own completion claims nothing. Returns the claims job-1's completion asked for.
   */
  private ArgumentCaptor<List<ClaimRequest>> startWithJob2WaitingBehindSlow(
      Duration releaseAfter, Body whileSlow, List<String> ran, WorkerOptions options) {
    ArgumentCaptor<List<ClaimRequest>> claims = listCaptor();
    whenFinishing(id, claims, claimOf(slow), claimOf(second));
    whenFinishing(slow, Claim.none());
    worker = new QueueWorker("test-worker", queue, withLongJob(slow, whileSlow, ran), options, clock)
        .shortJobsUnder(Duration.ofHours(1)).releaseWaitingAfter(releaseAfter);
    worker.start();
    return claims;
  }

  /** One job slot, its locks renewed every 20 ms. */
  private static WorkerOptions oneSlotRenewingEvery20Ms() {
    return WorkerOptions.builder().concurrency(1).lockRenewInterval(Duration.ofMillis(20)).build();
  }

  /**
   * A handler that adds each job's id to {@code ran} as it starts; {@code longJob} then runs
   * {@code body}. Every job returns "done".
   */
  private JobHandler withLongJob(JobId longJob, Body body, List<String> ran) {
    return job -> prepared(context -> {
      ran.add(job.id().value());
      if (job.id().equals(longJob)) {
        body.run();
      }
      return "done";
    });
  }

  /** Waits (in a job) for the worker to start closing. */
  private void awaitClosing() {
    Await.until("the worker to start closing", Duration.ofSeconds(10), () -> !worker.isRunning());
  }

  /** Closes the worker; returns how long close() took, in milliseconds. */
  private long closeTimed() {
    long t0 = System.nanoTime();
    worker.close();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  /** Whether this is the worker's timer thread. */
  private static boolean onTheTimer() {
    return Thread.currentThread().getName().startsWith("test-worker-timer");
  }

  private Claim claimOf(JobId job) {
    return Claim.of(active(job));
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
      jobs[i] = active(JobId.of("job-" + (i + 1)));
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
    verify(queue, timeout(10_000)).completeAndClaim(eq(jobs[2].id()), anyString(), eq("unused"), any());
  }

  @Test
  void whenCompletingAndClaimingFailsTheCompletionIsRecordedOnItsOwnAndTheNextRoundClaimsOne() {
    when(queue.claim(any())).thenReturn(claimOf(id), claimOf(second), Claim.none());
    when(queue.completeAllAndClaim(any(), any())).thenThrow(new QueueException("Unexpected end of stream", null));
    // one slot: with two, the second slot may claim job-2 at start and finish it first
    startBatching(handler(() -> { }), oneSlot());

    verify(queue, timeout(10_000)).complete(eq(id), anyString(), eq("unused"));
    // the jobs the failed call may have claimed are lost until their locks expire: the next
    // round exposes one claim, not a batch
    verify(queue, timeout(10_000)).completeAndClaim(eq(second), anyString(), eq("unused"), any());
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
