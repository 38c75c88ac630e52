package com.snapasset.spi;

import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.Completion;
import com.snapasset.spi.queue.Completions;
import com.snapasset.spi.queue.FinishedJob;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.spi.queue.SweepResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueStats;
import com.snapasset.RateLimit;
import com.snapasset.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link JobQueue} must show. An implementation's test extends this class and
 * makes {@link #createQueue(Clock)} return a new, empty queue.
 *
 * <p>Time is a {@link MutableClock} that only moves when a test advances it: the queue must take
 * every timestamp it compares (delays, lock expiry, rate-limit windows, clean grace) from the
 * given clock, so that no test sleeps.
 */
public abstract class JobQueueContract {
  protected static final Duration LOCK = Duration.ofSeconds(30);

  protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  protected JobQueue queue;

  /** A new, empty queue that reads time from {@code clock}. */
  protected abstract JobQueue createQueue(Clock clock);

  @BeforeEach
  void createQueueUnderTest() {
    queue = createQueue(clock);
  }

  @AfterEach
  void closeQueueUnderTest() {
    queue.close();
  }

  /**
   * Whether the queue under test promises to tell when a claim took the last ready job ({@link
   * Claim#lastReady}); then the contract checks it does. Either way a claim that left a job ready,
   * or claimed nothing, must never say so. False by default, so a queue built on another (one
   * that delegates to {@code InMemoryJobQueue}, say) passes whatever that one reports.
   */
  protected boolean reportsLastReady() {
    return false;
  }

  protected AddResult add(String id, int priority) {
    return queue.add(new NewJob(JobId.of(id), "payload-" + id, priority, 3, -1, -1));
  }

  protected Optional<QueuedJob> claim(String token) {
    return queue.claim(new ClaimRequest(token, LOCK, null)).job();
  }

  protected QueuedJob claimOrFail(String token) {
    return claim(token).orElseThrow(() -> new AssertionError("expected a job to claim"));
  }

  protected JobState stateOf(String id) {
    return queue.find(JobId.of(id)).orElseThrow().state();
  }

  @Test
  void claimingTheOnlyReadyJobSaysItWasTheLastWhenTheQueueTellsAndClaimingOneOfTwoNever() {
    add("a", 5);
    add("b", 5);

    Claim oneOfTwo = queue.claim(new ClaimRequest("t1", LOCK, null));
    Claim theOnly = queue.claim(new ClaimRequest("t2", LOCK, null));

    assertThat(oneOfTwo.job()).isPresent();
    assertThat(oneOfTwo.lastReady()).as("one job was left").isFalse();
    assertThat(theOnly.job()).isPresent();
    if (reportsLastReady()) {
      assertThat(theOnly.lastReady()).as("the last ready job").isTrue();
    }
    assertThat(queue.claim(new ClaimRequest("t3", LOCK, null)).lastReady()).as("no job claimed").isFalse();
  }

  @Test
  void addedJobIsWaitingWithItsPayload() {
    AddResult r = add("a", 5);

    assertThat(r.created()).isTrue();
    QueuedJob job = queue.find(JobId.of("a")).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.WAITING);
    assertThat(job.payload()).isEqualTo("payload-a");
    assertThat(job.priority()).isEqualTo(5);
    assertThat(job.attemptsMade()).isZero();
    assertThat(job.maxAttempts()).isEqualTo(3);
    assertThat(job.createdAt()).isEqualTo(clock.instant());
  }

  @Test
  void findOfUnknownIdIsEmpty() {
    assertThat(queue.find(JobId.of("nope"))).isEmpty();
  }

  @Test
  void addingAnExistingIdReturnsTheExistingJobUnchanged() {
    add("dup", 5);
    AddResult second = queue.add(new NewJob(JobId.of("dup"), "other", 1, 9, -1, -1));

    assertThat(second.created()).isFalse();
    assertThat(second.job().payload()).isEqualTo("payload-dup");
    assertThat(second.job().priority()).isEqualTo(5);
    assertThat(queue.stats().waiting()).isEqualTo(1);
  }

  @Test
  void concurrentAddsOfOneIdCreateOneJob() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> created = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        created.add(pool.submit(() -> {
          start.await();
          return add("same", 5).created();
        }));
      }
      start.countDown();
      int count = 0;
      for (Future<Boolean> f : created) {
        count += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(count).isEqualTo(1);
      assertThat(queue.stats().waiting()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void claimOfEmptyQueueFindsNothing() {
    Claim claim = queue.claim(new ClaimRequest("t", LOCK, null));
    assertThat(claim.job()).isEmpty();
    assertThat(claim.rateLimitedFor()).isZero();
  }

  @Test
  void lowerPriorityNumberIsClaimedFirstAndFifoWithinAPriority() {
    add("p5-first", 5);
    add("p1-first", 1);
    add("p5-second", 5);
    add("p1-second", 1);
    add("p9", 9);
    clock.advance(Duration.ofMillis(1));

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      order.add(claimOrFail("t" + i).id().value());
    }
    assertThat(order).containsExactly("p1-first", "p1-second", "p5-first", "p5-second", "p9");
    assertThat(claim("t-last")).isEmpty();
  }

  @Test
  void claimedJobIsActiveWithItsStartTime() {
    add("a", 5);
    clock.advance(Duration.ofSeconds(3));

    QueuedJob job = claimOrFail("t1");

    assertThat(job.id().value()).isEqualTo("a");
    assertThat(job.state()).isEqualTo(JobState.ACTIVE);
    assertThat(job.payload()).isEqualTo("payload-a");
    assertThat(job.processedAt()).isEqualTo(clock.instant());
    assertThat(stateOf("a")).isEqualTo(JobState.ACTIVE);
  }

  @Test
  void completionStoresTheResult() {
    add("a", 5);
    claimOrFail("t1");
    clock.advance(Duration.ofSeconds(2));

    assertThat(queue.complete(JobId.of("a"), "t1", "{\"ok\":true}")).isTrue();

    QueuedJob job = queue.find(JobId.of("a")).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.result()).isEqualTo("{\"ok\":true}");
    assertThat(job.progress()).isEqualTo(100);
    assertThat(job.attemptsMade()).isEqualTo(1);
    assertThat(job.finishedAt()).isEqualTo(clock.instant());
  }

  @Test
  void progressIsRecordedOnlyForTheLockHolder() {
    add("a", 5);
    claimOrFail("t1");

    assertThat(queue.progress(JobId.of("a"), "t1", 40)).isTrue();
    assertThat(queue.progress(JobId.of("a"), "wrong", 90)).isFalse();

    assertThat(queue.find(JobId.of("a")).orElseThrow().progress()).isEqualTo(40);
  }

  @Test
  void aWrongTokenCanNeitherCompleteNorFail() {
    add("a", 5);
    claimOrFail("t1");

    assertThat(queue.complete(JobId.of("a"), "intruder", "x")).isFalse();
    assertThat(queue.fail(JobId.of("a"), "intruder", "boom", null)).isFalse();
    assertThat(stateOf("a")).isEqualTo(JobState.ACTIVE);
    assertThat(queue.complete(JobId.of("a"), "t1", "x")).isTrue();
    assertThat(queue.complete(JobId.of("a"), "t1", "again")).isFalse();
    assertThat(queue.find(JobId.of("a")).orElseThrow().result()).isEqualTo("x");
  }

  @Test
  void finalFailureKeepsTheReason() {
    add("a", 5);
    claimOrFail("t1");

    assertThat(queue.fail(JobId.of("a"), "t1", "content policy violation", null)).isTrue();

    QueuedJob job = queue.find(JobId.of("a")).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.failedReason()).isEqualTo("content policy violation");
    assertThat(job.attemptsMade()).isEqualTo(1);
    assertThat(job.finishedAt()).isNotNull();
    assertThat(claim("t2")).isEmpty();
  }

  @Test
  void failureWithRetryTimeDelaysTheJobUntilThen() {
    add("a", 5);
    claimOrFail("t1");
    Instant retryAt = clock.instant().plusSeconds(4);

    assertThat(queue.fail(JobId.of("a"), "t1", "rate limited", retryAt)).isTrue();

    QueuedJob delayed = queue.find(JobId.of("a")).orElseThrow();
    assertThat(delayed.state()).isEqualTo(JobState.DELAYED);
    assertThat(delayed.delayedUntil()).isEqualTo(retryAt);
    assertThat(delayed.failedReason()).isEqualTo("rate limited");
    assertThat(delayed.attemptsMade()).isEqualTo(1);
    assertThat(queue.stats().delayed()).isEqualTo(1);

    clock.advance(Duration.ofMillis(3999));
    assertThat(claim("t2")).isEmpty();

    clock.advance(Duration.ofMillis(1));
    QueuedJob again = claimOrFail("t3");
    assertThat(again.id().value()).isEqualTo("a");
    assertThat(again.attemptsMade()).isEqualTo(1);
  }

  @Test
  void aDueDelayedJobKeepsItsPriorityAmongWaitingJobs() {
    add("low", 9);
    add("high", 1);
    claimOrFail("t1"); // high
    queue.fail(JobId.of("high"), "t1", "retry", clock.instant().plusSeconds(1));
    clock.advance(Duration.ofSeconds(2));

    assertThat(claimOrFail("t2").id().value()).isEqualTo("high");
  }

  @Test
  void aRenewedLockKeepsTheJobFromStalling() {
    add("a", 5);
    claimOrFail("t1");
    clock.advance(Duration.ofSeconds(20));
    assertThat(queue.renewLock(JobId.of("a"), "t1", LOCK)).isEqualTo(LockStatus.HELD);
    clock.advance(Duration.ofSeconds(20)); // 40 s after the claim, 20 s after the renewal

    SweepResult sweep = queue.sweepStalled(1);

    assertThat(sweep.recovered()).isEmpty();
    assertThat(sweep.failed()).isEmpty();
    assertThat(stateOf("a")).isEqualTo(JobState.ACTIVE);
  }

  @Test
  void anExpiredLockIsSweptBackToWaitingAndTheOldHolderLosesTheJob() {
    add("a", 5);
    claimOrFail("dead-worker");
    clock.advance(LOCK.plusSeconds(1));

    SweepResult sweep = queue.sweepStalled(1);

    assertThat(sweep.recovered()).containsExactly(JobId.of("a"));
    QueuedJob waiting = queue.find(JobId.of("a")).orElseThrow();
    assertThat(waiting.state()).isEqualTo(JobState.WAITING);
    assertThat(waiting.stalledCount()).isEqualTo(1);
    assertThat(waiting.attemptsMade()).isZero();

    QueuedJob retaken = claimOrFail("live-worker");
    assertThat(retaken.id().value()).isEqualTo("a");
    assertThat(queue.renewLock(JobId.of("a"), "dead-worker", LOCK)).isEqualTo(LockStatus.LOST);
    assertThat(queue.complete(JobId.of("a"), "dead-worker", "stale")).isFalse();
    assertThat(queue.complete(JobId.of("a"), "live-worker", "fresh")).isTrue();
    assertThat(queue.find(JobId.of("a")).orElseThrow().result()).isEqualTo("fresh");
  }

  @Test
  void aJobThatStallsTooOftenFailsWithAReason() {
    add("a", 5);
    for (int i = 0; i < 2; i++) {
      claimOrFail("w" + i);
      clock.advance(LOCK.plusSeconds(1));
      SweepResult sweep = queue.sweepStalled(1);
      if (i == 0) {
        assertThat(sweep.recovered()).containsExactly(JobId.of("a"));
      } else {
        assertThat(sweep.failed()).containsExactly(JobId.of("a"));
      }
    }
    QueuedJob job = queue.find(JobId.of("a")).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.failedReason()).containsIgnoringCase("stalled");
    assertThat(job.finishedAt()).isNotNull();
  }

  @Test
  void aReleasedJobIsWaitingAgainWithoutCountingAnAttempt() {
    add("a", 5);
    claimOrFail("t1");

    assertThat(queue.release(JobId.of("a"), "t1")).isTrue();

    QueuedJob job = queue.find(JobId.of("a")).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.WAITING);
    assertThat(job.attemptsMade()).isZero();
    assertThat(claimOrFail("t2").id().value()).isEqualTo("a");
    assertThat(queue.release(JobId.of("a"), "t1")).isFalse();
  }

  @Test
  void cancellingAnActiveJobTellsItsHolder() {
    add("a", 5);
    claimOrFail("t1");

    assertThat(queue.cancel(JobId.of("a"))).isTrue();

    assertThat(queue.renewLock(JobId.of("a"), "t1", LOCK)).isEqualTo(LockStatus.CANCELLED);
    assertThat(queue.fail(JobId.of("a"), "t1", "cancelled", null)).isTrue();
    assertThat(stateOf("a")).isEqualTo(JobState.FAILED);
    assertThat(queue.cancel(JobId.of("a"))).isFalse();
  }

  @Test
  void removeDeletesJobsThatAreNotActive() {
    add("waiting", 5);
    add("active", 1);
    claimOrFail("t1");

    assertThat(queue.remove(JobId.of("active"))).isFalse();
    assertThat(queue.remove(JobId.of("waiting"))).isTrue();
    assertThat(queue.remove(JobId.of("waiting"))).isFalse();

    assertThat(queue.find(JobId.of("waiting"))).isEmpty();
    assertThat(queue.stats().waiting()).isZero();
    assertThat(claim("t2")).isEmpty();
  }

  @Test
  void retryMovesAFailedJobBackToWaitingWithItsAttemptsReset() {
    add("a", 5);
    claimOrFail("t1");
    queue.fail(JobId.of("a"), "t1", "boom", null);

    assertThat(queue.retry(JobId.of("a"))).isTrue();

    QueuedJob job = queue.find(JobId.of("a")).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.WAITING);
    assertThat(job.attemptsMade()).isZero();
    assertThat(job.finishedAt()).isNull();
    assertThat(claimOrFail("t2").id().value()).isEqualTo("a");
    assertThat(queue.retry(JobId.of("a"))).isFalse();
  }

  @Test
  void statsCountEveryState() {
    for (String id : List.of("w1", "w2", "a1", "c1", "f1", "d1")) {
      add(id, id.equals("w1") || id.equals("w2") ? 9 : 1);
    }
    claimOrFail("ta"); // a1
    claimOrFail("tc"); // c1
    claimOrFail("tf"); // f1
    claimOrFail("td"); // d1
    queue.complete(JobId.of("c1"), "tc", "r");
    queue.fail(JobId.of("f1"), "tf", "x", null);
    queue.fail(JobId.of("d1"), "td", "x", clock.instant().plusSeconds(60));

    QueueStats stats = queue.stats();

    assertThat(stats).isEqualTo(new QueueStats(2, 1, 1, 1, 1, false));
    assertThat(stats.total()).isEqualTo(6);
  }

  @Test
  void aPausedQueueHandsOutNothingUntilResumed() {
    add("a", 5);

    queue.pause();
    assertThat(queue.isPaused()).isTrue();
    assertThat(queue.stats().paused()).isTrue();
    assertThat(claim("t1")).isEmpty();
    add("b", 5); // adding still works
    assertThat(queue.stats().waiting()).isEqualTo(2);

    queue.resume();
    assertThat(queue.isPaused()).isFalse();
    assertThat(claimOrFail("t2").id().value()).isEqualTo("a");
  }

  @Test
  void listShowsWaitingJobsInClaimOrderAndFinishedNewestFirst() {
    add("w-low", 9);
    add("w-high", 1);
    for (String id : List.of("c1", "c2", "c3")) {
      add(id, 1);
    }
    // claim order now: w-high, c1, c2, c3, w-low; complete c1..c3 in that order
    claimOrFail("skip"); // w-high
    for (String id : List.of("c1", "c2", "c3")) {
      QueuedJob j = claimOrFail("t-" + id);
      assertThat(j.id().value()).isEqualTo(id);
      clock.advance(Duration.ofSeconds(1));
      queue.complete(j.id(), "t-" + id, "r");
    }

    assertThat(ids(queue.list(JobState.WAITING, 0, 10))).containsExactly("w-low");
    assertThat(ids(queue.list(JobState.ACTIVE, 0, 10))).containsExactly("w-high");
    assertThat(ids(queue.list(JobState.COMPLETED, 0, 10))).containsExactly("c3", "c2", "c1");
    assertThat(ids(queue.list(JobState.COMPLETED, 1, 1))).containsExactly("c2");
  }

  @Test
  void cleanRemovesFinishedJobsOlderThanTheGrace() {
    add("old", 5);
    add("new", 5);
    QueuedJob old = claimOrFail("t1");
    queue.complete(old.id(), "t1", "r");
    clock.advance(Duration.ofHours(2));
    QueuedJob recent = claimOrFail("t2");
    queue.complete(recent.id(), "t2", "r");

    int removed = queue.clean(JobState.COMPLETED, Duration.ofHours(1), 100);

    assertThat(removed).isEqualTo(1);
    assertThat(queue.find(JobId.of("old"))).isEmpty();
    assertThat(queue.find(JobId.of("new"))).isPresent();
    assertThat(queue.stats().completed()).isEqualTo(1);
  }

  @Test
  void keepCompletedKeepsOnlyTheNewest() {
    for (int i = 0; i < 5; i++) {
      queue.add(new NewJob(JobId.of("k" + i), "p", 5, 1, 2, -1));
    }
    for (int i = 0; i < 5; i++) {
      QueuedJob j = claimOrFail("t" + i);
      clock.advance(Duration.ofMillis(10));
      queue.complete(j.id(), "t" + i, "r");
    }

    assertThat(queue.stats().completed()).isEqualTo(2);
    assertThat(ids(queue.list(JobState.COMPLETED, 0, 10))).containsExactly("k4", "k3");
    assertThat(queue.find(JobId.of("k0"))).isEmpty();
  }

  @Test
  void theRateLimitHoldsClaimsBackUntilTheWindowPasses() {
    for (int i = 0; i < 3; i++) {
      add("r" + i, 5);
    }
    RateLimit limit = RateLimit.of(2, Duration.ofMinutes(1));
    ClaimRequest req1 = new ClaimRequest("t1", LOCK, limit);

    assertThat(queue.claim(req1).job()).isPresent();
    assertThat(queue.claim(new ClaimRequest("t2", LOCK, limit)).job()).isPresent();
    Claim third = queue.claim(new ClaimRequest("t3", LOCK, limit));
    assertThat(third.job()).isEmpty();
    assertThat(third.rateLimitedFor()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
    assertThat(queue.stats().waiting()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1).plusMillis(1));
    assertThat(queue.claim(new ClaimRequest("t4", LOCK, limit)).job()).isPresent();
  }

  @Test
  void manyConcurrentClaimersNeverShareAJobAndLoseNone() throws Exception {
    int jobs = 400;
    for (int i = 0; i < jobs; i++) {
      add("j" + i, 1 + (i % 3));
    }
    Set<String> claimed = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        int worker = w;
        futures.add(pool.submit(() -> {
          start.await();
          int n = 0;
          while (true) {
            String token = "w" + worker + "-" + n++;
            Optional<QueuedJob> job = claim(token);
            if (job.isEmpty()) {
              return null;
            }
            if (!claimed.add(job.get().id().value())) {
              duplicates.incrementAndGet();
            }
            if (!queue.complete(job.get().id(), token, "done")) {
              throw new AssertionError("could not complete " + job.get().id());
            }
          }
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(duplicates).hasValue(0);
    assertThat(claimed).hasSize(jobs);
    assertThat(queue.stats().completed()).isEqualTo(jobs);
    assertThat(queue.stats().waiting() + queue.stats().active()).isZero();
  }

  @Test
  void stateChangesArePublishedToSubscribers() throws Exception {
    BlockingQueue<QueueEvent> events = new LinkedBlockingQueue<>();
    try (Subscription ignored = queue.subscribe(events::add)) {
      awaitSubscriptionReady(events);
      add("e", 5);
      claimOrFail("t1");
      queue.progress(JobId.of("e"), "t1", 50);
      queue.complete(JobId.of("e"), "t1", "result-json");

      List<QueueEvent> seen = new ArrayList<>();
      while (seen.size() < 4) {
        QueueEvent ev = events.poll(10, TimeUnit.SECONDS);
        assertThat(ev).as("event %d of 4 (seen so far: %s)", seen.size() + 1, seen).isNotNull();
        if (ev.jobId().value().equals("e")) {
          seen.add(ev);
        }
      }
      assertThat(seen).extracting(QueueEvent::type).containsExactly(
          QueueEvent.Type.ADDED, QueueEvent.Type.ACTIVE, QueueEvent.Type.PROGRESS, QueueEvent.Type.COMPLETED);
      assertThat(seen.get(1).number()).isEqualTo(1);
      assertThat(seen.get(2).number()).isEqualTo(50);
      assertThat(seen.get(3).data()).isEqualTo("result-json");
    }
  }

  @Test
  void failuresArePublishedWithTheirReason() throws Exception {
    BlockingQueue<QueueEvent> events = new LinkedBlockingQueue<>();
    try (Subscription ignored = queue.subscribe(events::add)) {
      awaitSubscriptionReady(events);
      add("f", 5);
      claimOrFail("t1");
      queue.fail(JobId.of("f"), "t1", "first try failed", clock.instant().plusSeconds(1));
      clock.advance(Duration.ofSeconds(2));
      claimOrFail("t2");
      queue.fail(JobId.of("f"), "t2", "gave up", null);

      List<QueueEvent> failures = new ArrayList<>();
      while (failures.size() < 2) {
        QueueEvent ev = events.poll(10, TimeUnit.SECONDS);
        assertThat(ev).as("failure event %d of 2", failures.size() + 1).isNotNull();
        if (ev.type() == QueueEvent.Type.RETRYING || ev.type() == QueueEvent.Type.FAILED) {
          failures.add(ev);
        }
      }
      assertThat(failures.get(0).type()).isEqualTo(QueueEvent.Type.RETRYING);
      assertThat(failures.get(0).data()).isEqualTo("first try failed");
      assertThat(failures.get(1).type()).isEqualTo(QueueEvent.Type.FAILED);
      assertThat(failures.get(1).data()).isEqualTo("gave up");
    }
  }

  @Test
  void aClosedSubscriptionHearsNothingMore() throws Exception {
    BlockingQueue<QueueEvent> events = new LinkedBlockingQueue<>();
    Subscription sub = queue.subscribe(events::add);
    awaitSubscriptionReady(events);
    sub.close();
    sub.close(); // harmless

    BlockingQueue<QueueEvent> control = new LinkedBlockingQueue<>();
    try (Subscription ignored = queue.subscribe(control::add)) {
      awaitSubscriptionReady(control);
      add("after-close", 5);
      // once the still-open subscription has heard the event, the closed one would have too
      QueueEvent heard;
      do {
        heard = control.poll(10, TimeUnit.SECONDS);
        assertThat(heard).as("event of after-close").isNotNull();
      } while (!heard.jobId().value().equals("after-close"));
      assertThat(events.stream().filter(e -> e.jobId().value().equals("after-close"))).isEmpty();
    }
  }

  @Test
  void awaitWorkReturnsWhenAJobIsAdded() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch waiting = new CountDownLatch(1);
      Future<Long> waited = pool.submit(() -> {
        waiting.countDown();
        long t0 = System.nanoTime();
        queue.awaitWork(Duration.ofSeconds(60));
        return System.nanoTime() - t0;
      });
      waiting.await();
      Thread.sleep(50); // let the waiter block; not a wait for a condition
      add("wake", 5);
      long nanos = waited.get(30, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(nanos)).isLessThan(Duration.ofSeconds(30));
      assertThat(claim("t1")).isPresent();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void awaitWorkReturnsAtOnceWhenAJobIsReady() throws Exception {
    add("ready", 5);
    long t0 = System.nanoTime();
    queue.awaitWork(Duration.ofSeconds(60));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
  }

  // --- outages, liveness, cancel events ---------------------------------------------------

  protected static final Duration BEAT_TTL = Duration.ofSeconds(5);

  protected QueuedJob claimAs(String worker, String token) {
    return queue.claim(new ClaimRequest(token, LOCK, null, worker)).job()
        .orElseThrow(() -> new AssertionError("expected a job to claim"));
  }

  @Test
  void aPostponedJobWaitsUntilItsTimeWithoutSpendingAnAttempt() {
    add("a", 5);
    claimOrFail("t1");
    Instant until = clock.instant().plusSeconds(5);

    assertThat(queue.postpone(JobId.of("a"), "intruder", until, "provider unavailable")).isFalse();
    assertThat(queue.postpone(JobId.of("a"), "t1", until, "provider unavailable")).isTrue();

    QueuedJob job = queue.find(JobId.of("a")).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DELAYED);
    assertThat(job.delayedUntil()).isEqualTo(until);
    assertThat(job.failedReason()).isEqualTo("provider unavailable");
    assertThat(job.attemptsMade()).isZero();
    assertThat(job.stalledCount()).isZero();
    assertThat(queue.postpone(JobId.of("a"), "t1", until, "again")).isFalse();

    clock.advance(Duration.ofMillis(4999));
    assertThat(claim("t2")).isEmpty();
    clock.advance(Duration.ofMillis(1));
    QueuedJob again = claimOrFail("t3");
    assertThat(again.id().value()).isEqualTo("a");
    assertThat(again.attemptsMade()).isZero();
  }

  @Test
  void aJobPostponedToNowIsWaitingAtOnce() {
    add("a", 5);
    claimOrFail("t1");

    assertThat(queue.postpone(JobId.of("a"), "t1", clock.instant(), "storage unavailable")).isTrue();

    assertThat(stateOf("a")).isEqualTo(JobState.WAITING);
    assertThat(claimOrFail("t2").attemptsMade()).isZero();
  }

  @Test
  void aRateLimitHoldsBackEveryClaimUntilItPasses() {
    add("a", 5);
    add("b", 5);

    queue.rateLimit(Duration.ofSeconds(10));
    queue.rateLimit(Duration.ofSeconds(1)); // a shorter hold does not shorten the one in force

    clock.advance(Duration.ofSeconds(2));
    Claim held = queue.claim(new ClaimRequest("t1", LOCK, null, "w1"));
    assertThat(held.job()).isEmpty();
    assertThat(held.rateLimitedFor()).isEqualTo(Duration.ofSeconds(8));
    assertThat(queue.stats().waiting()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(8));
    assertThat(claim("t2")).isPresent();
    assertThat(claim("t3")).isPresent();
  }

  @Test
  void aDeadWorkersJobsGoBackAtOnceWithoutAStall() {
    add("of-dead", 5);
    add("of-live", 5);
    queue.heartbeat("dead-worker", BEAT_TTL);
    queue.heartbeat("live-worker", BEAT_TTL);
    claimAs("dead-worker", "td");
    claimAs("live-worker", "tl");

    clock.advance(BEAT_TTL.plusSeconds(1)); // far less than the lock
    queue.heartbeat("live-worker", BEAT_TTL);
    SweepResult sweep = queue.sweepStalled(1, 3);

    assertThat(sweep.recovered()).containsExactly(JobId.of("of-dead"));
    assertThat(sweep.failed()).isEmpty();
    QueuedJob back = queue.find(JobId.of("of-dead")).orElseThrow();
    assertThat(back.state()).isEqualTo(JobState.WAITING);
    assertThat(back.stalledCount()).isZero();
    assertThat(back.attemptsMade()).isZero();
    assertThat(stateOf("of-live")).isEqualTo(JobState.ACTIVE);
    // the dead worker, should it come back, has lost the job
    assertThat(queue.renewLock(JobId.of("of-dead"), "td", LOCK)).isEqualTo(LockStatus.LOST);
    assertThat(queue.complete(JobId.of("of-dead"), "td", "stale")).isFalse();
    assertThat(claimAs("live-worker", "tl2").id().value()).isEqualTo("of-dead");
  }

  @Test
  void aLockThatExpiresUnderALiveWorkerStillCountsAStall() {
    add("a", 5);
    queue.heartbeat("w1", BEAT_TTL);
    claimAs("w1", "t1");
    for (int i = 0; i < 8; i++) { // 32 s, past the 30 s lock, with the worker beating
      clock.advance(Duration.ofSeconds(4));
      queue.heartbeat("w1", BEAT_TTL);
    }

    SweepResult sweep = queue.sweepStalled(1, 3);

    assertThat(sweep.recovered()).containsExactly(JobId.of("a"));
    assertThat(queue.find(JobId.of("a")).orElseThrow().stalledCount()).isEqualTo(1);
  }

  @Test
  void aJobWhoseWorkersKeepDyingFailsAsAPoisonPill() {
    add("pill", 5);
    for (int i = 1; i <= 3; i++) {
      queue.heartbeat("w" + i, BEAT_TTL);
      claimAs("w" + i, "t" + i);
      clock.advance(BEAT_TTL.plusSeconds(1));
      SweepResult sweep = queue.sweepStalled(1, 2);
      if (i < 3) {
        assertThat(sweep.recovered()).as("loss %d", i).containsExactly(JobId.of("pill"));
      } else {
        assertThat(sweep.failed()).containsExactly(JobId.of("pill"));
      }
    }
    QueuedJob job = queue.find(JobId.of("pill")).orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.failedReason()).contains("3 workers died").contains("poison pill");
    assertThat(job.stalledCount()).isZero();
  }

  @Test
  void aWorkerThatLeftIsNotTakenForDead() {
    add("a", 5);
    queue.heartbeat("w1", BEAT_TTL);
    claimAs("w1", "t1");
    queue.leave("w1");
    clock.advance(BEAT_TTL.plusSeconds(1));

    assertThat(queue.sweepStalled(1, 3).recovered()).isEmpty();
    assertThat(stateOf("a")).isEqualTo(JobState.ACTIVE);
    assertThat(queue.complete(JobId.of("a"), "t1", "r")).isTrue();
  }

  @Test
  void aJobFinishedByItsWorkerIsNotTakenOverWhenTheWorkerDiesLater() {
    add("a", 5);
    add("b", 5);
    queue.heartbeat("w1", BEAT_TTL);
    claimAs("w1", "t1");
    queue.complete(JobId.of("a"), "t1", "r");
    clock.advance(BEAT_TTL.plusSeconds(1));

    assertThat(queue.sweepStalled(1, 3).recovered()).isEmpty();
    assertThat(stateOf("a")).isEqualTo(JobState.COMPLETED);
    assertThat(stateOf("b")).isEqualTo(JobState.WAITING);
  }

  @Test
  void invalidWorkerIdsAreRefused() {
    assertThatThrownBy(() -> new ClaimRequest("t", LOCK, null, "has space"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerId");
    assertThatThrownBy(() -> queue.heartbeat("", BEAT_TTL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerId");
  }

  @Test
  void cancellingAnActiveJobPublishesAnEventAtOnce() throws Exception {
    BlockingQueue<QueueEvent> events = new LinkedBlockingQueue<>();
    try (Subscription ignored = queue.subscribe(events::add)) {
      awaitSubscriptionReady(events);
      add("c", 5);
      claimOrFail("t1");

      assertThat(queue.cancel(JobId.of("c"))).isTrue();

      QueueEvent ev;
      do {
        ev = events.poll(10, TimeUnit.SECONDS);
        assertThat(ev).as("the cancel event").isNotNull();
      } while (ev.type() != QueueEvent.Type.CANCEL_REQUESTED);
      assertThat(ev.jobId().value()).isEqualTo("c");
    }
  }

  @Test
  void completeAndClaimCompletesTheJobAndClaimsTheNextInOrder() {
    add("first", 5);
    add("second", 5);
    add("urgent", 1);
    claimOrFail("t1"); // urgent

    Completion done = queue.completeAndClaim(JobId.of("urgent"), "t1", "r1", new ClaimRequest("t2", LOCK, null));

    assertThat(done.completed()).isTrue();
    QueuedJob urgent = queue.find(JobId.of("urgent")).orElseThrow();
    assertThat(urgent.state()).isEqualTo(JobState.COMPLETED);
    assertThat(urgent.result()).isEqualTo("r1");
    assertThat(urgent.attemptsMade()).isEqualTo(1);
    QueuedJob next = done.next().job().orElseThrow();
    assertThat(next.id().value()).isEqualTo("first");
    assertThat(stateOf("first")).isEqualTo(JobState.ACTIVE);
    // the next job is held under the new token, and only under it
    assertThat(queue.complete(JobId.of("first"), "t1", "x")).isFalse();
    assertThat(queue.complete(JobId.of("first"), "t2", "r2")).isTrue();
    assertThat(stateOf("second")).isEqualTo(JobState.WAITING);
  }

  @Test
  void completeAndClaimOnAnEmptyQueueClaimsNothing() {
    add("only", 5);
    claimOrFail("t1");

    Completion done = queue.completeAndClaim(JobId.of("only"), "t1", "r", new ClaimRequest("t2", LOCK, null));

    assertThat(done.completed()).isTrue();
    assertThat(done.next().job()).isEmpty();
    assertThat(done.next().rateLimitedFor()).isZero();
    assertThat(queue.stats().active()).isZero();
  }

  @Test
  void completeAndClaimWithALostLockCompletesNothingButStillClaims() {
    add("a", 5);
    add("b", 5);
    claimOrFail("t1"); // a

    Completion done = queue.completeAndClaim(JobId.of("a"), "not-the-holder", "r", new ClaimRequest("t2", LOCK, null));

    assertThat(done.completed()).isFalse();
    assertThat(stateOf("a")).isEqualTo(JobState.ACTIVE);
    assertThat(done.next().job().orElseThrow().id().value()).isEqualTo("b");
  }

  @Test
  void completeAndClaimRespectsPauseAndRateLimit() {
    add("a", 5);
    add("b", 5);
    add("c", 5);
    claimOrFail("t1"); // a
    RateLimit onePerMinute = new RateLimit(1, Duration.ofMinutes(1));
    queue.claim(new ClaimRequest("t0", LOCK, onePerMinute)).job().orElseThrow(); // b: uses the window

    Completion limited = queue.completeAndClaim(JobId.of("a"), "t1", "r", new ClaimRequest("t2", LOCK, onePerMinute));
    assertThat(limited.completed()).isTrue();
    assertThat(limited.next().job()).isEmpty();
    assertThat(limited.next().rateLimitedFor()).isPositive();

    queue.pause();
    Completion paused = queue.completeAndClaim(JobId.of("b"), "t0", "r", new ClaimRequest("t3", LOCK, null));
    assertThat(paused.completed()).isTrue();
    assertThat(paused.next().job()).isEmpty();
    assertThat(stateOf("c")).isEqualTo(JobState.WAITING);
  }

  @Test
  void completeAllAndClaimCompletesEachJobThenClaimsInOrderUntilOneGetsNothing() {
    add("a", 5);
    add("b", 5);
    add("c", 5);
    add("urgent", 1);
    add("d", 5);
    claimOrFail("t1"); // urgent
    claimOrFail("t2"); // a

    Completions done = queue.completeAllAndClaim(
        List.of(new FinishedJob(JobId.of("urgent"), "t1", "r1"), new FinishedJob(JobId.of("a"), "not-the-holder", "x"),
            new FinishedJob(JobId.of("a"), "t2", "r2")),
        List.of(new ClaimRequest("n1", LOCK, null), new ClaimRequest("n2", LOCK, null),
            new ClaimRequest("n3", LOCK, null), new ClaimRequest("n4", LOCK, null)));

    assertThat(done.completed()).containsExactly(true, false, true);
    assertThat(queue.find(JobId.of("urgent")).orElseThrow().result()).isEqualTo("r1");
    assertThat(queue.find(JobId.of("a")).orElseThrow().result()).isEqualTo("r2");
    assertThat(stateOf("a")).isEqualTo(JobState.COMPLETED);
    // b, c, d claimed in order, each under its own request's token; the fourth request got nothing
    assertThat(done.claims()).hasSize(4);
    assertThat(done.claims().subList(0, 3)).extracting(c -> c.job().orElseThrow().id().value())
        .containsExactly("b", "c", "d");
    assertThat(done.claims().get(3).job()).isEmpty();
    assertThat(queue.complete(JobId.of("c"), "n1", "x")).isFalse();
    assertThat(queue.complete(JobId.of("c"), "n2", "r")).isTrue();
    assertThat(queue.complete(JobId.of("b"), "n1", "r")).isTrue();
    assertThat(queue.complete(JobId.of("d"), "n3", "r")).isTrue();
    assertThat(queue.stats().active()).isZero();
  }

  @Test
  void completeAllAndClaimStopsClaimingAtTheFirstRequestThatGetsNothing() {
    add("a", 5);
    add("b", 5);
    claimOrFail("t1"); // a

    Completions done = queue.completeAllAndClaim(List.of(new FinishedJob(JobId.of("a"), "t1", "r")),
        List.of(new ClaimRequest("n1", LOCK, null), new ClaimRequest("n2", LOCK, null),
            new ClaimRequest("n3", LOCK, null)));

    assertThat(done.completed()).containsExactly(true);
    assertThat(done.claims()).hasSize(2);
    assertThat(done.claims().get(0).job().orElseThrow().id().value()).isEqualTo("b");
    assertThat(done.claims().get(1).job()).isEmpty();
    assertThat(done.claims().get(1).rateLimitedFor()).isZero();

    Completions nothing = queue.completeAllAndClaim(List.of(), List.of());
    assertThat(nothing.completed()).isEmpty();
    assertThat(nothing.claims()).isEmpty();
    assertThat(stateOf("b")).isEqualTo(JobState.ACTIVE);
  }

  @Test
  void completeAllAndClaimRespectsPauseAndRateLimit() {
    add("a", 5);
    add("b", 5);
    add("c", 5);
    add("d", 5);
    RateLimit twoPerMinute = new RateLimit(2, Duration.ofMinutes(1));
    queue.claim(new ClaimRequest("t0", LOCK, twoPerMinute)).job().orElseThrow(); // a

    Completions limited = queue.completeAllAndClaim(List.of(new FinishedJob(JobId.of("a"), "t0", "r")),
        List.of(new ClaimRequest("n1", LOCK, twoPerMinute), new ClaimRequest("n2", LOCK, twoPerMinute)));
    assertThat(limited.completed()).containsExactly(true);
    assertThat(limited.claims()).hasSize(2);
    assertThat(limited.claims().get(0).job().orElseThrow().id().value()).isEqualTo("b");
    assertThat(limited.claims().get(1).job()).isEmpty();
    assertThat(limited.claims().get(1).rateLimitedFor()).isPositive();

    queue.pause();
    Completions paused = queue.completeAllAndClaim(List.of(new FinishedJob(JobId.of("b"), "n1", "r")),
        List.of(new ClaimRequest("n3", LOCK, null)));
    assertThat(paused.completed()).containsExactly(true);
    assertThat(paused.claims()).hasSize(1);
    assertThat(paused.claims().get(0).job()).isEmpty();
    assertThat(stateOf("c")).isEqualTo(JobState.WAITING);
  }

  @Test
  void aSubscriptionToCancellationsHearsThemAndNothingElse() throws Exception {
    BlockingQueue<QueueEvent> cancels = new LinkedBlockingQueue<>();
    BlockingQueue<QueueEvent> all = new LinkedBlockingQueue<>();
    try (Subscription ignored = queue.subscribe(Set.of(QueueEvent.Type.CANCEL_REQUESTED), cancels::add);
        Subscription ignoredToo = queue.subscribe(all::add)) {
      awaitSubscriptionReady(all);
      add("c", 5);
      claimOrFail("t1");
      assertThat(queue.cancel(JobId.of("c"))).isTrue();

      QueueEvent ev = cancels.poll(10, TimeUnit.SECONDS);
      assertThat(ev).as("the cancel event").isNotNull();
      assertThat(ev.type()).isEqualTo(QueueEvent.Type.CANCEL_REQUESTED);
      assertThat(ev.jobId().value()).isEqualTo("c");
      // the full subscription heard the job's other events; the filtered one none of them
      QueueEvent heard;
      do {
        heard = all.poll(10, TimeUnit.SECONDS);
        assertThat(heard).as("the cancel event on the full subscription").isNotNull();
      } while (heard.type() != QueueEvent.Type.CANCEL_REQUESTED);
      assertThat(cancels).isEmpty();
    }
    assertThatThrownBy(() -> queue.subscribe(Set.of(), e -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("QueueEvent.Type");
  }

  @Test
  void progressOutsideZeroToHundredIsRefused() {
    add("a", 5);
    claimOrFail("t1");
    assertThatThrownBy(() -> queue.progress(JobId.of("a"), "t1", 101))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> queue.progress(JobId.of("a"), "t1", -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void addAsyncAddsTheJobAndAnswersAsAddDoes() throws Exception {
    AddResult created = queue.addAsync(new NewJob(JobId.of("a"), "payload-a", 5, 3, -1, -1))
        .get(30, TimeUnit.SECONDS);
    AddResult again = queue.addAsync(new NewJob(JobId.of("a"), "other", 1, 9, -1, -1)).get(30, TimeUnit.SECONDS);

    assertThat(created.created()).isTrue();
    assertThat(created.job().state()).isEqualTo(JobState.WAITING);
    assertThat(created.job().priority()).isEqualTo(5);
    assertThat(again.created()).isFalse();
    assertThat(again.job().payload()).isEqualTo("payload-a");
    assertThat(again.job().priority()).isEqualTo(5);
    QueuedJob stored = queue.find(JobId.of("a")).orElseThrow();
    assertThat(stored.payload()).isEqualTo("payload-a");
    assertThat(stored.createdAt()).isEqualTo(clock.instant());
    assertThat(queue.stats().waiting()).isEqualTo(1);
  }

  @Test
  void manyAddsInFlightFromOneThreadAllLandInTheOrderMade() throws Exception {
    List<CompletableFuture<AddResult>> inFlight = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      inFlight.add(queue.addAsync(new NewJob(JobId.of("j" + i), "payload", 5, 1, -1, -1)));
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    assertThat(inFlight).allSatisfy(f -> assertThat(f.join().created()).isTrue());
    List<String> claimed = new ArrayList<>();
    for (Optional<QueuedJob> job = claim("t"); job.isPresent(); job = claim("t")) {
      claimed.add(job.get().id().value());
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      expected.add("j" + i);
    }
    assertThat(claimed).isEqualTo(expected); // one priority: first added, first claimed
  }

  @Test
  void aStageDependingOnAddAsyncMayCallTheQueueAgain() throws Exception {
    // Blocking calls from a dependent stage must not wait for the thread that runs the stage.
    CompletableFuture<Boolean> chained = queue.addAsync(new NewJob(JobId.of("first"), "p", 5, 1, -1, -1))
        .thenApply(r -> add("second", 5).created() && queue.find(JobId.of("first")).isPresent())
        .thenCompose(ok -> queue.addAsync(new NewJob(JobId.of("third"), "p", 5, 1, -1, -1))
            .thenApply(r -> ok && r.created()));

    assertThat(chained.get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(queue.stats().waiting()).isEqualTo(3);
  }

  @Test
  void addAsyncOfNullIsRefusedAtTheCall() {
    assertThatThrownBy(() -> queue.addAsync(null)).isInstanceOf(NullPointerException.class);
  }

  /**
   * Makes sure a subscription is live before the test acts: some queues deliver events
   * asynchronously (e.g. Redis pub/sub) and only after the subscription is confirmed. Adds and
   * removes a probe job until its ADDED event arrives.
   */
  protected void awaitSubscriptionReady(BlockingQueue<QueueEvent> events) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      String probe = "probe-" + UUID.randomUUID();
      add(probe, 5);
      queue.remove(JobId.of(probe));
      QueueEvent ev;
      while ((ev = events.poll(50, TimeUnit.MILLISECONDS)) != null) {
        if (ev.jobId().value().equals(probe)) {
          events.clear();
          return;
        }
      }
    }
    throw new AssertionError("subscription never delivered an event");
  }

  private static List<String> ids(List<QueuedJob> jobs) {
    List<String> ids = new ArrayList<>();
    for (QueuedJob j : jobs) {
      ids.add(j.id().value());
    }
    return Collections.unmodifiableList(ids);
  }
}
