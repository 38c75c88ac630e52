package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueException;
import com.snapasset.RateLimit;
import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.Completions;
import com.snapasset.spi.queue.FinishedJob;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.spi.queue.SweepResult;
import com.snapasset.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.SafeEncoder;

/** Redis-specific behaviour of {@link RedisJobQueue}, against a real redis-server. */
class RedisJobQueueDirectTest {
  private static final Duration LOCK = Duration.ofSeconds(30);
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create();
  private static RedisClient admin;
  /**
   * For INFO commandstats: a connection of no pool, whose idle test (testWhileIdle) would PING
   * now and then and count in the PINGs a test counts.
   */
  private static Connection stats;

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private RedisJobQueue queue;
  private String queueName;

  @BeforeAll
  static void connect() {
    admin = server.client();
    stats = new Connection(new HostAndPort("127.0.0.1", server.port()));
  }

  @AfterAll
  static void disconnect() {
    stats.close();
  }

  @BeforeEach
  void newQueue() {
    queueName = "q-" + UUID.randomUUID();
    queue = RedisJobQueue.builder().url(server.url()).queueName(queueName).clock(clock).build();
  }

  @AfterEach
  void closeQueue() {
    queue.close();
  }

  private static NewJob job(String id, int priority) {
    return new NewJob(JobId.of(id), "{\"n\":\"" + id + "\"}", priority, 3, -1, -1);
  }

  private Claim claim(String token) {
    return queue.claim(new ClaimRequest(token, LOCK, null));
  }

  @Test
  void keysShareTheQueueHashTagAndTheReadmeLayout() {
    queue.add(job("a", 5));
    String prefix = queue.keyPrefix();
    assertThat(prefix).isEqualTo("snapasset:{" + queue.queueName() + "}:");
    assertThat(admin.keys(prefix.replace("{", "\\{").replace("}", "\\}") + "*"))
        .containsExactlyInAnyOrder(prefix + "job:a", prefix + "wait", prefix + "seq", prefix + "wake");
    assertThat(admin.hget(prefix + "job:a", "state")).isEqualTo("waiting");
  }

  @Test
  void addDeduplicatesById() {
    assertThat(queue.add(job("same", 5)).created()).isTrue();
    var again = queue.add(new NewJob(JobId.of("same"), "other", 1, 1, -1, -1));
    assertThat(again.created()).isFalse();
    assertThat(again.job().payload()).isEqualTo("{\"n\":\"same\"}");
    assertThat(queue.stats().waiting()).isEqualTo(1);
  }

  @Test
  void claimsLowestPriorityFirstThenFifo() {
    queue.add(job("p5-a", 5));
    queue.add(job("p1", 1));
    queue.add(job("p5-b", 5));
    queue.add(job("p9", 9));
    List<String> order = new ArrayList<>();
    for (Claim c = claim("t"); c.job().isPresent(); c = claim("t")) {
      order.add(c.job().get().id().value());
    }
    assertThat(order).containsExactly("p1", "p5-a", "p5-b", "p9");
  }

  @Test
  void concurrentClaimersNeverShareAJob() throws Exception {
    int jobs = 400;
    for (int i = 0; i < jobs; i++) {
      queue.add(job("j" + i, 5));
    }
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<String> duplicates = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String token = "w" + t;
      futures.add(pool.submit(() -> {
        for (Claim c = claim(token); c.job().isPresent(); c = claim(token)) {
          if (!seen.add(c.job().get().id().value())) {
            synchronized (duplicates) {
              duplicates.add(c.job().get().id().value());
            }
          }
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(duplicates).isEmpty();
    assertThat(seen).hasSize(jobs);
    assertThat(queue.stats().active()).isEqualTo(jobs);
  }

  @Test
  void workerWhoseLockExpiredCannotOverwriteTheNewHolder() {
    queue.add(job("x", 5));
    QueuedJob first = claim("old").job().orElseThrow();
    clock.advance(LOCK.plusMillis(1));
    assertThat(queue.sweepStalled(1).recovered()).containsExactly(first.id());
    assertThat(claim("new").job()).isPresent();

    assertThat(queue.renewLock(first.id(), "old", LOCK)).isEqualTo(LockStatus.LOST);
    assertThat(queue.progress(first.id(), "old", 50)).isFalse();
    assertThat(queue.complete(first.id(), "old", "stale")).isFalse();
    assertThat(queue.fail(first.id(), "old", "stale", null)).isFalse();
    assertThat(queue.complete(first.id(), "new", "fresh")).isTrue();
    QueuedJob done = queue.find(first.id()).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.result()).isEqualTo("fresh");
    assertThat(done.stalledCount()).isEqualTo(1);
    assertThat(done.attemptsMade()).isEqualTo(1);
  }

  @Test
  void expiredLockIsNotHeldEvenBeforeASweep() {
    queue.add(job("x", 5));
    QueuedJob j = claim("t").job().orElseThrow();
    assertThat(queue.renewLock(j.id(), "t", LOCK)).isEqualTo(LockStatus.HELD);
    clock.advance(LOCK.plusMillis(1));
    assertThat(queue.complete(j.id(), "t", "late")).isFalse();
  }

  @Test
  void stallingTooOftenFails() {
    queue.add(job("x", 5));
    for (int i = 0; i < 2; i++) {
      claim("t" + i).job().orElseThrow();
      clock.advance(LOCK.plusMillis(1));
      SweepResult r = queue.sweepStalled(1);
      if (i == 0) {
        assertThat(r.recovered()).containsExactly(JobId.of("x"));
      } else {
        assertThat(r.failed()).containsExactly(JobId.of("x"));
      }
    }
    QueuedJob j = queue.find(JobId.of("x")).orElseThrow();
    assertThat(j.state()).isEqualTo(JobState.FAILED);
    assertThat(j.failedReason()).contains("stalled");
  }

  @Test
  void sweepGuardLetsOneSweepPerInterval() {
    try (RedisJobQueue guarded = RedisJobQueue.builder().url(server.url())
        .queueName(queue.queueName()).clock(clock).stalledSweepInterval(Duration.ofHours(1)).build()) {
      queue.add(job("x", 5));
      claim("t");
      clock.advance(LOCK.plusMillis(1));
      assertThat(guarded.sweepStalled(1).recovered()).containsExactly(JobId.of("x"));
      claim("t2");
      clock.advance(LOCK.plusMillis(1));
      assertThat(guarded.sweepStalled(5)).isEqualTo(SweepResult.empty());
      assertThat(queue.sweepStalled(5).recovered()).containsExactly(JobId.of("x"));
    }
  }

  @Test
  void failedAttemptWaitsUntilItsRetryTime() {
    queue.add(job("x", 5));
    QueuedJob j = claim("t").job().orElseThrow();
    Instant retryAt = clock.instant().plusSeconds(10);
    assertThat(queue.fail(j.id(), "t", "boom", retryAt)).isTrue();
    QueuedJob delayed = queue.find(j.id()).orElseThrow();
    assertThat(delayed.state()).isEqualTo(JobState.DELAYED);
    assertThat(delayed.delayedUntil()).isEqualTo(retryAt);
    assertThat(delayed.attemptsMade()).isEqualTo(1);
    assertThat(claim("t2").job()).isEmpty();
    clock.advance(Duration.ofSeconds(10));
    QueuedJob again = claim("t2").job().orElseThrow();
    assertThat(again.id()).isEqualTo(j.id());
    assertThat(again.failedReason()).isEqualTo("boom");
    assertThat(queue.fail(j.id(), "t2", "final", null)).isTrue();
    QueuedJob failed = queue.find(j.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.attemptsMade()).isEqualTo(2);
    assertThat(queue.retry(j.id())).isTrue();
    QueuedJob retried = queue.find(j.id()).orElseThrow();
    assertThat(retried.state()).isEqualTo(JobState.WAITING);
    assertThat(retried.attemptsMade()).isZero();
  }

  @Test
  void aClaimThatTakesTheLastReadyJobSaysSo() throws Exception {
    queue.add(job("a", 5));
    queue.add(job("b", 5));

    Claim first = claim("t1");
    Claim second = claim("t2");

    assertThat(first.job()).isPresent();
    assertThat(first.lastReady()).as("a job is left").isFalse();
    assertThat(second.job()).isPresent();
    assertThat(second.lastReady()).as("b was the last").isTrue();
  }

  @Test
  void afterSkippingItsClaimAWaiterStillWakesForAJobAddedSinceTheClaim() throws Exception {
    queue.add(job("a", 5));
    assertThat(claim("t1").lastReady()).isTrue();
    queue.add(job("b", 5)); // between the claim that emptied the queue and the next claimer's wait

    queue.awaitWork(Duration.ofSeconds(60)); // returns at once: b's wake-up is waiting for it
    assertThat(claim("t2").job()).map(j -> j.id().value()).contains("b");
  }

  @Test
  void afterSkippingItsClaimAWaiterWakesWhenADelayedJobFallsDue() throws Exception {
    queue.add(job("a", 5));
    queue.add(job("d", 5));
    assertThat(claim("t0").job()).isPresent();
    QueuedJob d = claim("td").job().orElseThrow();
    // d fails, to be retried in 100 ms; c, added then, is the last ready job: its claim reports d's due time
    queue.fail(d.id(), "td", "try later", clock.instant().plusMillis(100));
    queue.add(job("c", 5));
    assertThat(claim("tc").lastReady()).isTrue();

    clock.advance(Duration.ofMillis(100));
    queue.awaitWork(Duration.ofSeconds(60)); // bounded by d's due time (now), not by the minute
    assertThat(claim("t2").job()).map(j -> j.id().value()).contains("d");
  }

  @Test
  void awaitWorkBlocksUntilAJobIsAdded() throws Exception {
    CountDownLatch returned = new CountDownLatch(1);
    Thread waiter = new Thread(() -> {
      try {
        queue.awaitWork(Duration.ofSeconds(60));
        returned.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiter.start();
    // The waiter holds no job yet: it must still be blocked (not spinning through) after a claim.
    assertThat(returned.await(200, TimeUnit.MILLISECONDS)).isFalse();
    queue.add(job("x", 5));
    assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
    waiter.join();
  }

  @Test
  void awaitWorkKeepsItsConnectionInsteadOfBorrowingAPingedOneEachTime() throws Exception {
    queue.add(job("a", 5)); // a wake-up token: the wait returns at once
    queue.awaitWork(Duration.ofSeconds(60)); // borrows a connection (the pool PINGs it) and keeps it
    long pings = calls("ping");
    long waits = calls("blpop");
    for (int i = 0; i < 20; i++) {
      queue.add(job("b" + i, 5));
      queue.awaitWork(Duration.ofSeconds(60));
    }
    // One round trip per wait (BLPOP), not two: a worker goes idle once per job when jobs trickle in.
    // (The queue's pool has no idle connection its idle test could PING: its two are in use. The
    // extension's admin client has no idle test.)
    assertThat(calls("blpop") - waits).isEqualTo(20);
    assertThat(calls("ping")).isEqualTo(pings);
  }

  @Test
  void awaitWorkAsksAgainOnAFreshConnectionWhenItsKeptOneWasClosed() throws Exception {
    queue.add(job("a", 5));
    queue.awaitWork(Duration.ofSeconds(60)); // keeps its connection
    int killed = 0;
    for (String client : SafeEncoder.encode((byte[]) admin.sendCommand(Protocol.Command.CLIENT, "LIST")).split("\r?\n")) {
      if (client.contains(" cmd=blpop ")) { // as after a Redis restart: the kept connection is dead
        String id = client.substring(client.indexOf("id=") + 3, client.indexOf(' '));
        admin.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", id);
        killed++;
      }
    }
    assertThat(killed).isEqualTo(1);
    queue.add(job("b", 5));

    queue.awaitWork(Duration.ofSeconds(5)); // no QueueException: the wait is asked again, once

    // Woken by b's token on the fresh connection, not by the end of the wait.
    assertThat(admin.llen(queue.keyPrefix() + "wake")).isZero();
    assertThat(claim("t1").job()).isPresent();
    assertThat(claim("t2").job()).isPresent();
  }

  @Test
  void awaitWorkReturnsWhenADelayedJobFallsDue() throws Exception {
    try (RedisJobQueue real = RedisJobQueue.builder().url(server.url())
        .queueName("real-" + UUID.randomUUID()).build()) {
      real.add(job("x", 5));
      QueuedJob j = real.claim(new ClaimRequest("t", LOCK, null)).job().orElseThrow();
      real.fail(j.id(), "t", "boom", Instant.now().plusMillis(300));
      // Wake tokens left by the add and the fail may return awaitWork early (allowed); the
      // earliest delayed job bounds every wait, so a few rounds suffice.
      int rounds = 0;
      Claim c = Claim.none();
      while (c.job().isEmpty() && rounds < 5) {
        real.awaitWork(Duration.ofSeconds(60));
        c = real.claim(new ClaimRequest("t2", LOCK, null));
        rounds++;
      }
      assertThat(c.job()).isPresent();
      assertThat(rounds).isLessThanOrEqualTo(4);
    }
  }

  @Test
  void awaitWorkRightAfterAnEmptyClaimTakesTheDueTimeFromItWithoutAskingAgain() throws Exception {
    try (RedisJobQueue real = RedisJobQueue.builder().url(server.url())
        .queueName("hint-" + UUID.randomUUID()).build()) {
      real.add(job("x", 5));
      QueuedJob j = real.claim(new ClaimRequest("t", LOCK, null)).job().orElseThrow();
      real.fail(j.id(), "t", "boom", Instant.now().plusMillis(300));
      admin.del(real.keyPrefix() + "wake"); // no wake-up token: only the due time ends the wait
      assertThat(real.claim(new ClaimRequest("t2", LOCK, null)).job()).isEmpty();
      long scriptsBefore = scriptCalls();
      ExecutorService waiter = Executors.newSingleThreadExecutor();
      try {
        // The claim and the wait must run on one thread: the answer is kept per thread.
        Future<Claim> afterWait = waiter.submit(() -> {
          real.claim(new ClaimRequest("t3", LOCK, null));
          long scripts = scriptCalls();
          real.awaitWork(Duration.ofSeconds(60));
          assertThat(scriptCalls()).as("script calls of awaitWork").isEqualTo(scripts);
          Claim c = Claim.none();
          for (int i = 0; i < 5 && c.job().isEmpty(); i++) {
            c = real.claim(new ClaimRequest("t4", LOCK, null));
            if (c.job().isEmpty()) {
              real.awaitWork(Duration.ofSeconds(60));
            }
          }
          return c;
        });
        assertThat(afterWait.get(30, TimeUnit.SECONDS).job()).map(QueuedJob::id).contains(j.id());
      } finally {
        waiter.shutdownNow();
      }
      assertThat(scriptCalls()).isGreaterThan(scriptsBefore);
    }
  }

  /** EVALSHA calls the server has run (INFO commandstats). */
  private static long scriptCalls() {
    return calls("evalsha");
  }

  /** Calls of {@code command} the server has run, inside scripts too (INFO commandstats). */
  private static long calls(String command) {
    String prefix = "cmdstat_" + command + ":";
    String info = SafeEncoder.encode((byte[]) stats.executeCommand(
        new CommandArguments(Protocol.Command.INFO).add("commandstats")));
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(prefix)) {
        return Long.parseLong(line.substring(prefix.length()).replaceAll("^calls=(\\d+),.*", "$1"));
      }
    }
    return 0;
  }

  @Test
  void completeAllAndClaimLooksAtPauseDueJobsAndHoldOnceForAllItsClaimsAndMovesItsJobsAtOnce() {
    for (int i = 0; i < 8; i++) {
      queue.add(job("j" + i, 5));
    }
    List<ClaimRequest> eight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      eight.add(new ClaimRequest("n" + i, LOCK, null, "w1"));
    }
    String workerJobs = queue.keyPrefix() + "wjobs:w1";
    String active = queue.keyPrefix() + "active";
    long exists = calls("exists");
    long dueLookups = calls("zrangebyscore");
    long holdLookups = calls("get");
    long wakeLookups = calls("llen");
    long pops = calls("zpopmin");
    long workerAdds = calls("sadd");

    Completions claimed = queue.completeAllAndClaim(List.of(), eight);

    assertThat(claimed.claims()).extracting(c -> c.job().orElseThrow().id().value())
        .containsExactly("j0", "j1", "j2", "j3", "j4", "j5", "j6", "j7");
    // Redis runs the script alone and no claim changes them: once per call, not once per claim
    // (a busy worker's batched calls spent 18 commands a job before, about 10 with this).
    assertThat(calls("exists") - exists).as("pause lookups").isEqualTo(1);
    assertThat(calls("zrangebyscore") - dueLookups).as("due-job lookups").isEqualTo(1);
    assertThat(calls("get") - holdLookups).as("hold lookups").isEqualTo(1);
    assertThat(calls("llen") - wakeLookups).as("wake-list lookups").isEqualTo(1);
    assertThat(calls("zpopmin") - pops).as("pops").isEqualTo(1);
    assertThat(calls("sadd") - workerAdds).as("worker-set adds").isEqualTo(1);
    assertThat(admin.smembers(workerJobs)).hasSize(8);
    assertThat(admin.zcard(active)).isEqualTo(8);

    List<FinishedJob> finished = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      finished.add(new FinishedJob(JobId.of("j" + i), "n" + i, "r" + i));
    }
    long activeRemovals = calls("zrem");
    long workerRemovals = calls("srem");
    Completions completed = queue.completeAllAndClaim(finished, List.of());

    assertThat(completed.completed()).containsOnly(true).hasSize(8);
    assertThat(calls("zrem") - activeRemovals).as("active-set removals").isEqualTo(1);
    assertThat(calls("srem") - workerRemovals).as("worker-set removals").isEqualTo(1);
    assertThat(admin.exists(workerJobs)).isFalse();
    assertThat(admin.zcard(active)).isZero();
    assertThat(queue.find(JobId.of("j7")).orElseThrow().result()).isEqualTo("r7");
    assertThat(queue.find(JobId.of("j0")).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void completeAllAndClaimPromotesDueJobsAndHonoursAHoldForEveryClaim() {
    queue.add(job("later", 1));
    queue.add(job("now", 5));
    QueuedJob later = claim("t").job().orElseThrow();
    queue.fail(later.id(), "t", "try later", clock.instant().plusSeconds(10));
    clock.advance(Duration.ofSeconds(10));

    Completions done = queue.completeAllAndClaim(List.of(),
        List.of(new ClaimRequest("n1", LOCK, null), new ClaimRequest("n2", LOCK, null),
            new ClaimRequest("n3", LOCK, null)));

    // The due job is back in the wait set before the first claim: its priority puts it first.
    assertThat(done.claims()).hasSize(3);
    assertThat(done.claims().subList(0, 2)).extracting(c -> c.job().orElseThrow().id().value())
        .containsExactly("later", "now");
    assertThat(done.claims().get(2).job()).isEmpty();

    queue.add(job("held", 5));
    queue.rateLimit(Duration.ofMinutes(1));
    Completions held = queue.completeAllAndClaim(List.of(),
        List.of(new ClaimRequest("n4", LOCK, null), new ClaimRequest("n5", LOCK, null)));
    assertThat(held.claims()).hasSize(1);
    assertThat(held.claims().get(0).job()).isEmpty();
    assertThat(held.claims().get(0).rateLimitedFor()).isPositive();
    assertThat(queue.stats().waiting()).isEqualTo(1);
  }

  /**
   * Adds {@code count} jobs named {@code name + i} and has {@code worker} claim them, 1,000 per
   * call (a claim's token is {@code "t-" + its id}). Returns what completing them all would send.
   */
  private List<FinishedJob> claimedBy(String name, int count, String worker) throws Exception {
    List<CompletableFuture<AddResult>> adds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      adds.add(queue.addAsync(job(name + i, 5)));
    }
    CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    List<FinishedJob> held = new ArrayList<>();
    for (int from = 0; from < count; from += 1_000) {
      List<ClaimRequest> batch = new ArrayList<>();
      for (int i = from; i < Math.min(from + 1_000, count); i++) {
        batch.add(new ClaimRequest("t-" + name + i, LOCK, null, worker));
      }
      for (Claim c : queue.completeAllAndClaim(List.of(), batch).claims()) {
        String id = c.job().orElseThrow().id().value();
        held.add(new FinishedJob(JobId.of(id), "t-" + id, "r"));
      }
    }
    assertThat(held).hasSize(count);
    return held;
  }

  @Test
  void completeAllAndClaimMovesThousandsOfJobsInOneCall() throws Exception {
    // Lua's unpack() gives out at about 8,000 values: the sets' commands must take them in parts.
    List<FinishedJob> finished = claimedBy("done", 9_000, "w1");
    List<CompletableFuture<AddResult>> adds = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      adds.add(queue.addAsync(job("next" + i, 5)));
    }
    CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    List<ClaimRequest> next = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      next.add(new ClaimRequest("n" + i, LOCK, null, "w1"));
    }

    Completions done = queue.completeAllAndClaim(finished, next);

    assertThat(done.completed()).hasSize(9_000).containsOnly(true);
    assertThat(done.claims()).hasSize(5_000);
    Set<String> claimed = new HashSet<>();
    for (Claim c : done.claims()) {
      claimed.add(c.job().orElseThrow().id().value());
    }
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      expected.add("next" + i);
    }
    assertThat(claimed).isEqualTo(expected);
    String prefix = queue.keyPrefix();
    assertThat(admin.zrange(prefix + "active", 0, -1)).as("active set").containsExactlyInAnyOrderElementsOf(expected);
    assertThat(admin.smembers(prefix + "wjobs:w1")).as("worker's set").isEqualTo(expected);
    assertThat(admin.zscore(prefix + "active", "next4999")).isEqualTo((double) clock.millis() + LOCK.toMillis());
    assertThat(admin.zcard(prefix + "wait")).isZero();
    assertThat(admin.zcard(prefix + "completed")).isEqualTo(9_000);
    assertThat(queue.find(JobId.of("done8999")).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(queue.find(JobId.of("next4999")).orElseThrow().state()).isEqualTo(JobState.ACTIVE);
    // Once their locks run out, a stall sweep (up to 1,000 jobs a call) finds the claimed jobs and
    // none of the completed ones: those are not run again.
    clock.advance(LOCK.plusMillis(1));
    Set<String> swept = new HashSet<>();
    for (List<JobId> r = queue.sweepStalled(5).recovered(); !r.isEmpty(); r = queue.sweepStalled(5).recovered()) {
      r.forEach(id -> swept.add(id.value()));
    }
    assertThat(swept).isEqualTo(expected);
  }

  @Test
  void cleanRemovesMoreThanEightThousandJobsInOneCall() throws Exception {
    List<FinishedJob> held = claimedBy("c", 9_000, null);
    for (int from = 0; from < held.size(); from += 1_000) {
      assertThat(queue.completeAllAndClaim(held.subList(from, from + 1_000), List.of()).completed()).containsOnly(true);
    }
    clock.advance(Duration.ofSeconds(10));

    assertThat(queue.clean(JobState.COMPLETED, Duration.ofSeconds(5), 10_000)).isEqualTo(9_000);

    assertThat(admin.zcard(queue.keyPrefix() + "completed")).isZero();
    assertThat(queue.find(JobId.of("c8999"))).isEmpty();
    assertThat(queue.stats().completed()).isZero();
  }

  @Test
  void aStaleCompletionInABatchLeavesTheJobWithItsNewHolder() {
    queue.add(job("x", 5));
    queue.completeAllAndClaim(List.of(), List.of(new ClaimRequest("old", LOCK, null, "w1")));
    clock.advance(LOCK.plusMillis(1));
    assertThat(queue.sweepStalled(5).recovered()).containsExactly(JobId.of("x"));
    queue.add(job("y", 5));
    queue.add(job("z", 5));
    assertThat(queue.completeAllAndClaim(List.of(), List.of(new ClaimRequest("new", LOCK, null, "w2")))
        .claims().get(0).job().orElseThrow().id().value()).isEqualTo("x");
    queue.completeAllAndClaim(List.of(),
        List.of(new ClaimRequest("ty", LOCK, null, "w1"), new ClaimRequest("tz", LOCK, null, "w1")));

    Completions done = queue.completeAllAndClaim(List.of(new FinishedJob(JobId.of("y"), "ty", "ry"),
        new FinishedJob(JobId.of("x"), "old", "stale"), new FinishedJob(JobId.of("z"), "tz", "rz")), List.of());

    assertThat(done.completed()).containsExactly(true, false, true);
    String prefix = queue.keyPrefix();
    assertThat(admin.zrange(prefix + "active", 0, -1)).containsExactly("x");
    assertThat(admin.smembers(prefix + "wjobs:w2")).containsExactly("x");
    assertThat(admin.exists(prefix + "wjobs:w1")).isFalse();
    QueuedJob x = queue.find(JobId.of("x")).orElseThrow();
    assertThat(x.state()).isEqualTo(JobState.ACTIVE);
    assertThat(x.result()).isNull();
    assertThat(queue.complete(JobId.of("x"), "new", "fresh")).isTrue();
    assertThat(admin.exists(prefix + "wjobs:w2")).isFalse();
  }

  @Test
  void batchedCompletionsReadEveryLockWithOneLookupAndTrimAsOneByOneWould() {
    queue.add(job("x", 5));
    for (String id : List.of("a", "b", "e")) {
      queue.add(job(id, 5));
    }
    queue.add(new NewJob(JobId.of("d"), "{}", 5, 3, 2, -1)); // keeps the newest 2 completed jobs
    queue.completeAllAndClaim(List.of(), List.of(new ClaimRequest("tx", Duration.ofMillis(1), null, "w1")));
    List<ClaimRequest> four = new ArrayList<>();
    for (String id : List.of("a", "b", "e", "d")) {
      four.add(new ClaimRequest("t" + id, LOCK, null, "w1"));
    }
    assertThat(queue.completeAllAndClaim(List.of(), four).claims()).hasSize(4);
    clock.advance(Duration.ofMillis(2)); // x's lock has expired (no sweep yet); the others' hold
    long lockLookups = calls("zscore");
    long batchLookups = calls("zmscore");

    Completions done = queue.completeAllAndClaim(List.of(new FinishedJob(JobId.of("a"), "ta", "ra"),
        new FinishedJob(JobId.of("b"), "tb", "rb"), new FinishedJob(JobId.of("x"), "tx", "late"),
        new FinishedJob(JobId.of("d"), "td", "rd"), new FinishedJob(JobId.of("e"), "te", "re")), List.of());

    assertThat(done.completed()).containsExactly(true, true, false, true, true);
    assertThat(calls("zscore") - lockLookups).as("one-by-one lock lookups").isZero();
    assertThat(calls("zmscore") - batchLookups).as("lock lookups for the whole call").isEqualTo(1);
    String prefix = queue.keyPrefix();
    // As one by one: a and b entered before d's trim to 2 (equal scores: by id), which dropped a; e after.
    assertThat(admin.zrange(prefix + "completed", 0, -1)).containsExactly("b", "d", "e");
    assertThat(queue.find(JobId.of("a"))).isEmpty();
    assertThat(admin.zrange(prefix + "active", 0, -1)).containsExactly("x");
    QueuedJob x = queue.find(JobId.of("x")).orElseThrow();
    assertThat(x.state()).isEqualTo(JobState.ACTIVE);
    assertThat(x.result()).isNull();
    assertThat(queue.find(JobId.of("e")).orElseThrow().result()).isEqualTo("re");
  }

  @Test
  void batchedCompletionsWithRepeatedIdsAroundATrimEndAsOneByOne() throws Exception {
    assertBatchedCompletesAsOneByOne(q -> {
      completeOld(q, "o1", "o2");
      addAndClaim(q, new NewJob(JobId.of("a"), "{}", 5, 3, -1, -1), new NewJob(JobId.of("b"), "{}", 5, 3, -1, -1),
          new NewJob(JobId.of("d"), "{}", 5, 3, 2, -1), new NewJob(JobId.of("c"), "{}", 5, 3, -1, -1));
    }, List.of(done("a"), done("b"), done("a"), done("d"), done("b"), done("c"), done("d")));
  }

  @Test
  void batchedCompletionsWithWrongTokensAndUnknownIdsEndAsOneByOne() throws Exception {
    assertBatchedCompletesAsOneByOne(q -> addAndClaim(q, job("a", 5), job("b", 5), job("c", 5)),
        List.of(new FinishedJob(JobId.of("a"), "wrong", "ra"), done("b"), new FinishedJob(JobId.of("nosuch"), "tnosuch", "rn"),
            new FinishedJob(JobId.of("c"), "wrong", "rc0"), done("c"), new FinishedJob(JobId.of("b"), "wrong", "rb1")));
  }

  @Test
  void batchedCompletionsOfJobsThatKeepNoCompletedEndAsOneByOne() throws Exception {
    assertBatchedCompletesAsOneByOne(q -> {
      completeOld(q, "o1");
      addAndClaim(q, job("a", 5), new NewJob(JobId.of("z"), "{}", 5, 3, 0, -1), job("b", 5),
          new NewJob(JobId.of("z2"), "{}", 5, 3, 0, -1), job("c", 5));
    }, List.of(done("a"), done("z"), done("b"), done("z2"), done("c")));
  }

  private static FinishedJob done(String id) {
    return new FinishedJob(JobId.of(id), "t" + id, "r" + id);
  }

  /** Adds the jobs and claims them, each with token "t" + its id, for worker w1. */
  private static void addAndClaim(RedisJobQueue q, NewJob... jobs) {
    List<ClaimRequest> claims = new ArrayList<>();
    for (NewJob j : jobs) {
      q.add(j);
      claims.add(new ClaimRequest("t" + j.id().value(), LOCK, null, "w1"));
    }
    assertThat(q.completeAllAndClaim(List.of(), claims).claims()).hasSize(jobs.length);
  }

  /** Jobs completed before the batch, so a trim in it has older entries to drop. */
  private static void completeOld(RedisJobQueue q, String... ids) {
    for (String id : ids) {
      addAndClaim(q, job(id, 5));
      assertThat(q.complete(JobId.of(id), "t" + id, "old")).isTrue();
    }
  }

  /**
   * Sets up this test's queue and a second one (another prefix, same clock) alike, completes
   * {@code batch} on the first with one batched call and on the second one by one, and asserts
   * the same answers, the same keys with the same contents, and the same events in the same order.
   */
  private void assertBatchedCompletesAsOneByOne(Consumer<RedisJobQueue> setup, List<FinishedJob> batch)
      throws Exception {
    try (RedisJobQueue other = RedisJobQueue.builder().url(server.url()).queueName(queueName + "-one").clock(clock).build()) {
      Outcome batched = completeAfter(queue, setup, q -> q.completeAllAndClaim(batch, List.of()).completed());
      Outcome oneByOne = completeAfter(other, setup,
          q -> batch.stream().map(f -> q.complete(f.id(), f.token(), f.result())).toList());
      assertThat(batched.completed()).as("answers").isEqualTo(oneByOne.completed());
      assertThat(batched.completed()).as("the batch completes something").contains(true);
      assertThat(batched.keys()).as("keys").isEqualTo(oneByOne.keys());
      assertThat(batched.events()).as("events").isEqualTo(oneByOne.events());
    }
  }

  private record Outcome(List<Boolean> completed, Map<String, Object> keys, List<QueueEvent> events) {}

  private static Outcome completeAfter(RedisJobQueue q, Consumer<RedisJobQueue> setup,
      Function<RedisJobQueue, List<Boolean>> complete) throws Exception {
    LinkedBlockingQueue<QueueEvent> events = new LinkedBlockingQueue<>();
    try (Subscription s = q.subscribe(events::add)) {
      q.add(job("zz-ready", 9)); // its ADDED event shows the subscription is live
      eventsUntilAdded(events, "zz-ready");
      setup.accept(q);
      List<Boolean> completed = complete.apply(q);
      q.add(job("zz-end", 9)); // same channel, so every event of the completions came before it
      List<QueueEvent> got = eventsUntilAdded(events, "zz-end");
      return new Outcome(completed, dump(q.keyPrefix()), got);
    }
  }

  private static List<QueueEvent> eventsUntilAdded(LinkedBlockingQueue<QueueEvent> events, String id)
      throws InterruptedException {
    List<QueueEvent> got = new ArrayList<>();
    while (true) {
      QueueEvent e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("event after %s", got).isNotNull();
      if (e.type() == QueueEvent.Type.ADDED && e.jobId().equals(JobId.of(id))) {
        return got;
      }
      got.add(e);
    }
  }

  /** Every key under the prefix (without it) with its type's contents. */
  private static Map<String, Object> dump(String prefix) {
    Map<String, Object> out = new TreeMap<>();
    for (String key : admin.keys(prefix.replace("{", "\\{").replace("}", "\\}") + "*")) {
      String type = admin.type(key);
      Object value = switch (type) {
        case "hash" -> new TreeMap<>(admin.hgetAll(key));
        case "zset" -> admin.zrangeWithScores(key, 0, -1).stream().map(t -> t.getElement() + "=" + t.getScore()).toList();
        case "set" -> new TreeSet<>(admin.smembers(key));
        case "list" -> admin.lrange(key, 0, -1);
        case "string" -> admin.get(key);
        default -> type;
      };
      out.put(key.substring(prefix.length()), value);
    }
    return out;
  }

  @Test
  void completionsOfJobsHeldBySeveralWorkersAndByNoneLeaveEverySet() {
    for (String id : List.of("a", "b", "c", "d")) {
      queue.add(job(id, 5));
    }
    queue.completeAllAndClaim(List.of(), List.of(new ClaimRequest("ta", LOCK, null, "w1")));
    queue.completeAllAndClaim(List.of(), List.of(new ClaimRequest("tb", LOCK, null, "w2")));
    queue.completeAllAndClaim(List.of(), List.of(new ClaimRequest("tc", LOCK, null)));
    queue.completeAllAndClaim(List.of(), List.of(new ClaimRequest("td", LOCK, null, "w1")));
    String prefix = queue.keyPrefix();
    assertThat(admin.smembers(prefix + "wjobs:w1")).containsExactlyInAnyOrder("a", "d");
    long workerRemovals = calls("srem");

    Completions done = queue.completeAllAndClaim(List.of(new FinishedJob(JobId.of("a"), "ta", "ra"),
        new FinishedJob(JobId.of("b"), "tb", "rb"), new FinishedJob(JobId.of("c"), "tc", "rc"),
        new FinishedJob(JobId.of("d"), "td", "rd")), List.of());

    assertThat(done.completed()).containsExactly(true, true, true, true);
    assertThat(calls("srem") - workerRemovals).as("one removal per worker").isEqualTo(2);
    assertThat(admin.zcard(prefix + "active")).isZero();
    assertThat(admin.exists(prefix + "wjobs:w1")).isFalse();
    assertThat(admin.exists(prefix + "wjobs:w2")).isFalse();
    for (String id : List.of("a", "b", "c", "d")) {
      QueuedJob j = queue.find(JobId.of(id)).orElseThrow();
      assertThat(j.state()).isEqualTo(JobState.COMPLETED);
      assertThat(j.result()).isEqualTo("r" + id);
    }
  }

  @Test
  void aBatchedClaimLeavingJobsPushesOneWakeTokenAndOneDrainingTheQueueNone() {
    for (int i = 0; i < 3; i++) {
      queue.add(job("j" + i, 5));
    }
    String wake = queue.keyPrefix() + "wake";
    admin.del(wake);

    assertThat(queue.completeAllAndClaim(List.of(),
        List.of(new ClaimRequest("t1", LOCK, null), new ClaimRequest("t2", LOCK, null))).claims()).hasSize(2);
    assertThat(admin.llen(wake)).as("a job is left").isEqualTo(1);

    admin.del(wake);
    Completions drained = queue.completeAllAndClaim(List.of(),
        List.of(new ClaimRequest("t3", LOCK, null)));
    assertThat(drained.claims().get(0).job()).isPresent();
    assertThat(admin.llen(wake)).as("the queue is drained").isZero();
  }

  @Test
  void aBatchedClaimServesMixedPrioritiesLowestFirstThenFifo() {
    queue.add(job("p5-a", 5));
    queue.add(job("p1-a", 1));
    queue.add(job("p5-b", 5));
    queue.add(job("p9", 9));
    queue.add(job("p1-b", 1));
    List<ClaimRequest> six = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      six.add(new ClaimRequest("t" + i, LOCK, null, "w1"));
    }

    Completions done = queue.completeAllAndClaim(List.of(), six);

    assertThat(done.claims()).hasSize(6);
    assertThat(done.claims().subList(0, 5)).extracting(c -> c.job().orElseThrow().id().value())
        .containsExactly("p1-a", "p1-b", "p5-a", "p5-b", "p9");
    assertThat(done.claims().get(5).job()).isEmpty();
  }

  @Test
  void interruptStopsAwaitWork() throws Exception {
    LinkedBlockingQueue<Throwable> outcome = new LinkedBlockingQueue<>();
    Thread waiter = new Thread(() -> {
      try {
        queue.awaitWork(Duration.ofSeconds(60));
        outcome.add(new AssertionError("returned normally"));
      } catch (Throwable t) {
        outcome.add(t);
      }
    });
    waiter.start();
    waiter.interrupt();
    assertThat(outcome.poll(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
  }

  @Test
  void eventsReachSubscribers() throws Exception {
    LinkedBlockingQueue<QueueEvent> events = new LinkedBlockingQueue<>();
    try (Subscription s = queue.subscribe(events::add)) {
      queue.add(job("x", 5));
      QueuedJob j = claim("t").job().orElseThrow();
      queue.progress(j.id(), "t", 40);
      queue.complete(j.id(), "t", "{\"ok\":true|x}");
      List<QueueEvent> got = new ArrayList<>();
      while (got.size() < 4) {
        QueueEvent e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("event %s", got.size()).isNotNull();
        got.add(e);
      }
      assertThat(got).containsExactly(
          new QueueEvent(QueueEvent.Type.ADDED, j.id(), 0, null),
          new QueueEvent(QueueEvent.Type.ACTIVE, j.id(), 1, null),
          new QueueEvent(QueueEvent.Type.PROGRESS, j.id(), 40, null),
          new QueueEvent(QueueEvent.Type.COMPLETED, j.id(), 0, "{\"ok\":true|x}"));
    }
  }

  @Test
  void rateLimitIsSharedByAllClaimers() {
    for (int i = 0; i < 5; i++) {
      queue.add(job("j" + i, 5));
    }
    RateLimit limit = RateLimit.of(2, Duration.ofMinutes(1));
    try (RedisJobQueue other = RedisJobQueue.builder().url(server.url())
        .queueName(queue.queueName()).clock(clock).build()) {
      assertThat(queue.claim(new ClaimRequest("a", LOCK, limit)).job()).isPresent();
      assertThat(other.claim(new ClaimRequest("b", LOCK, limit)).job()).isPresent();
      Claim limited = other.claim(new ClaimRequest("c", LOCK, limit));
      assertThat(limited.job()).isEmpty();
      assertThat(limited.rateLimitedFor()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
    }
  }

  @Test
  void cancelIsSeenByTheHolderOnRenewal() {
    queue.add(job("x", 5));
    QueuedJob j = claim("t").job().orElseThrow();
    assertThat(queue.cancel(j.id())).isTrue();
    assertThat(queue.renewLock(j.id(), "t", LOCK)).isEqualTo(LockStatus.CANCELLED);
    assertThat(queue.fail(j.id(), "t", "cancelled", null)).isTrue();
    assertThat(queue.cancel(j.id())).isFalse();
  }

  @Test
  void pauseStopsClaimsButNotAdds() {
    queue.pause();
    assertThat(queue.isPaused()).isTrue();
    queue.add(job("x", 5));
    assertThat(claim("t").job()).isEmpty();
    assertThat(queue.stats().paused()).isTrue();
    queue.resume();
    assertThat(claim("t").job()).isPresent();
  }

  @Test
  void releaseReturnsTheJobToTheFrontWithoutCountingAnAttempt() {
    queue.add(job("first", 5));
    queue.add(job("second", 5));
    QueuedJob j = claim("t").job().orElseThrow();
    assertThat(queue.release(j.id(), "t")).isTrue();
    QueuedJob again = claim("t2").job().orElseThrow();
    assertThat(again.id().value()).isEqualTo("first");
    assertThat(again.attemptsMade()).isZero();
  }

  @Test
  void finishedJobsAreTrimmedListedCleanedAndRemoved() {
    for (int i = 0; i < 4; i++) {
      queue.add(new NewJob(JobId.of("c" + i), "p", 5, 1, 3, -1));
      QueuedJob j = claim("t").job().orElseThrow();
      clock.advance(Duration.ofSeconds(1));
      queue.complete(j.id(), "t", "r" + i);
    }
    assertThat(queue.list(JobState.COMPLETED, 0, 10)).extracting(q -> q.id().value())
        .containsExactly("c3", "c2", "c1");
    assertThat(queue.find(JobId.of("c0"))).isEmpty();
    clock.advance(Duration.ofSeconds(10));
    queue.add(job("w", 5));
    assertThat(queue.remove(JobId.of("w"))).isTrue();
    assertThat(queue.remove(JobId.of("w"))).isFalse();
    assertThat(queue.clean(JobState.COMPLETED, Duration.ofSeconds(10), 2)).isEqualTo(2);
    assertThat(queue.stats().completed()).isEqualTo(1);
  }

  @Test
  void survivesScriptFlush() {
    queue.add(job("a", 5));
    admin.scriptFlush();
    assertThat(queue.add(job("b", 5)).created()).isTrue();
    assertThat(queue.stats().waiting()).isEqualTo(2);
  }

  @Test
  void unreachableRedisIsAQueueException() {
    String url = RedisTestServer.stoppedServerUrl();
    try (RedisJobQueue q = RedisJobQueue.builder().url(url).build()) {
      assertThatThrownBy(q::stats).isInstanceOf(QueueException.class)
          .hasMessageContaining("stats").satisfies(e -> assertThat(((QueueException) e).isRetryable()).isTrue());
    }
  }

  @Test
  void addAsyncToUnreachableRedisFailsItsFutureWithAQueueException() {
    String url = RedisTestServer.stoppedServerUrl();
    try (RedisJobQueue q = RedisJobQueue.builder().url(url).build()) {
      CompletableFuture<?> added = q.addAsync(job("a", 5)); // not thrown: the backend's answer

      assertThatThrownBy(() -> added.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(QueueException.class).hasMessageContaining("add");
    }
  }

  @Test
  void addAsyncAfterCloseFailsItsFuture() {
    queue.close();

    assertThatThrownBy(() -> queue.addAsync(job("a", 5)).get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(QueueException.class);
  }

  @Test
  void addsInFlightWhenTheQueueClosesAllCompleteOneWayOrTheOther() throws Exception {
    List<CompletableFuture<AddResult>> inFlight = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      inFlight.add(queue.addAsync(job("c" + i, 5)));
      if (i == 1_000) {
        queue.close();
      }
    }

    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).handle((r, e) -> null).get(30, TimeUnit.SECONDS);
    assertThat(inFlight).allSatisfy(f -> {
      assertThat(f).isDone();
      if (f.isCompletedExceptionally()) {
        assertThatThrownBy(f::join).cause().isInstanceOf(QueueException.class);
      }
    });
    assertThat(inFlight.get(1_999)).isCompletedExceptionally(); // added after close
    assertThat(inFlight.subList(0, 1_001)).as("queued before close: sent").allSatisfy(f -> assertThat(f).isCompleted());
  }

  @Test
  void addAsyncSurvivesScriptFlushAndKeepsOneThreadsOrder() throws Exception {
    queue.add(job("a", 5));
    admin.scriptFlush();
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      inFlight.add(queue.addAsync(job("b" + i, 5)));
      if (i % 10 == 9) {
        // Shapes the load as the reviewer's repro did: batches cut mid-stream, NOSCRIPT met by several.
        LockSupport.parkNanos(50_000);
      }
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    List<String> order = new ArrayList<>();
    for (Claim c = claim("t"); c.job().isPresent(); c = claim("t")) {
      order.add(c.job().get().id().value());
    }
    assertThat(order).hasSize(3_001).first().isEqualTo("a");
    List<Integer> numbers = order.subList(1, 3_001).stream().map(x -> Integer.parseInt(x.substring(1))).toList();
    for (int i = 0; i < numbers.size(); i++) {
      assertThat(numbers.get(i)).as("claim %d", i).isEqualTo(i);
    }
  }

  @Test
  void addAsyncBeyondTheInFlightLimitWaitsThenFailsWithAQueueException() throws Exception {
    try (RedisJobQueue bounded = RedisJobQueue.builder().url(server.url()).queueName("q-" + UUID.randomUUID())
        .maxAsyncInFlight(2, Duration.ofMillis(200)).build()) {
      bounded.add(job("warm-up", 5)); // scripts loaded, connection open
      admin.sendCommand(Protocol.Command.CLIENT, "PAUSE", "1000", "ALL"); // answers held back for 1 s (the socket timeout is 2 s)
      CompletableFuture<AddResult> first = bounded.addAsync(job("a", 5));
      CompletableFuture<AddResult> second = bounded.addAsync(job("b", 5));

      CompletableFuture<AddResult> third = bounded.addAsync(job("c", 5));

      assertThat(third).isCompletedExceptionally();
      assertThatThrownBy(third::join).cause().isInstanceOf(QueueException.class).hasMessageContaining("2 adds were in flight");
      assertThat(first.get(30, TimeUnit.SECONDS).created()).isTrue();
      assertThat(second.get(30, TimeUnit.SECONDS).created()).isTrue();
      assertThat(bounded.addAsync(job("d", 5)).get(30, TimeUnit.SECONDS).created()).as("permits given back").isTrue();
    }
  }

  @Test
  void aStageAddingAgainAtTheInFlightLimitDoesNotStallTheDispatcher() throws Exception {
    try (RedisJobQueue bounded = RedisJobQueue.builder().url(server.url()).queueName("q-" + UUID.randomUUID())
        .maxAsyncInFlight(1, Duration.ofSeconds(30)).build()) {
      bounded.add(job("warm-up", 5)); // scripts loaded, connection open
      // Answers held back until the stage is attached, so that it runs on the dispatcher.
      admin.sendCommand(Protocol.Command.CLIENT, "PAUSE", "1000", "ALL");
      // The stage runs on the dispatcher once "a" is answered: "a"'s permit must be back by then,
      // and the dispatcher must never wait for one (only it could give one back).
      CompletableFuture<AddResult> chained = bounded.addAsync(job("a", 5))
          .thenCompose(first -> bounded.addAsync(job("b", 5)));

      // A hang detector, far below maxBlock: before the fix this failed after 30 s.
      assertThat(chained.get(10, TimeUnit.SECONDS).created()).isTrue();
      assertThat(bounded.addAsync(job("c", 5)).get(10, TimeUnit.SECONDS).created()).as("permits given back").isTrue();
    }
  }

  @Test
  void aStageOnTheDispatcherFindingNoPermitFailsAtOnceNamingTheLimit() throws Exception {
    try (RedisJobQueue bounded = RedisJobQueue.builder().url(server.url()).queueName("q-" + UUID.randomUUID())
        .maxAsyncInFlight(1, Duration.ofSeconds(30)).build()) {
      bounded.add(job("warm-up", 5));
      // Answers held back until the stage is attached, so that it runs on the dispatcher.
      admin.sendCommand(Protocol.Command.CLIENT, "PAUSE", "1000", "ALL");
      CompletableFuture<AddResult> held = new CompletableFuture<>();
      // "a"'s stage runs on the dispatcher and takes the only permit for "b" and keeps it until
      // "b" is answered; "b"'s own stage, also on the dispatcher, then finds none for "c".
      CompletableFuture<AddResult> third = bounded.addAsync(job("a", 5))
          .thenCompose(first -> {
            CompletableFuture<AddResult> second = bounded.addAsync(job("b", 5));
            CompletableFuture<AddResult> c = bounded.addAsync(job("c", 5)); // "b" holds the permit
            second.whenComplete((r, e) -> held.complete(r));
            return c;
          });

      assertThatThrownBy(() -> third.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(QueueException.class).hasMessageContaining("1 adds in flight")
          .hasMessageContaining("dispatcher");
      assertThat(held.get(10, TimeUnit.SECONDS).created()).isTrue();
    }
  }

  @Test
  void maxAsyncInFlightRejectsNonsense() {
    assertThatThrownBy(() -> RedisJobQueue.builder().maxAsyncInFlight(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> RedisJobQueue.builder().maxAsyncInFlight(1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
  }

  @Test
  void closeSendsTheAddsQueuedBeforeIt() throws Exception {
    List<CompletableFuture<AddResult>> inFlight = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      inFlight.add(queue.addAsync(job("f" + i, 5)));
    }
    queue.close();

    assertThat(inFlight).allSatisfy(f -> assertThat(f).isCompleted());
    try (RedisJobQueue again = RedisJobQueue.builder().url(server.url()).queueName(queueName).build()) {
      assertThat(again.stats().waiting()).isEqualTo(3_000);
    }
  }

  @Test
  void asyncAndBlockingAddsFromManyThreadsShareTheConnectionAndAllLand() throws Exception {
    int threads = 8;
    int perThread = 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> created = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        created.add(pool.submit(() -> {
          start.await();
          int n = 0;
          List<CompletableFuture<AddResult>> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            NewJob j = job("t" + thread + "-" + i, 5);
            if (i % 2 == 0) {
              mine.add(queue.addAsync(j));
            } else {
              n += queue.add(j).created() ? 1 : 0;
            }
          }
          for (CompletableFuture<AddResult> f : mine) {
            n += f.get(30, TimeUnit.SECONDS).created() ? 1 : 0;
          }
          return n;
        }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : created) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(threads * perThread);
      assertThat(queue.stats().waiting()).isEqualTo(threads * perThread);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void passwordNeverAppearsInErrors() {
    try (RedisTestServer secured = RedisTestServer.start(false, "--requirepass", "s3cret-pw");
        RedisJobQueue ok = RedisJobQueue.builder().url("redis://:s3cret-pw@127.0.0.1:" + secured.port()).build();
        RedisJobQueue bad = RedisJobQueue.builder().url("redis://:wrong-pw@127.0.0.1:" + secured.port()).build()) {
      ok.add(job("x", 5));
      assertThat(ok.stats().waiting()).isEqualTo(1);
      assertThatThrownBy(bad::stats).isInstanceOf(QueueException.class)
          .satisfies(e -> assertThat(e.toString()).doesNotContain("wrong-pw"));
    }
  }
}
