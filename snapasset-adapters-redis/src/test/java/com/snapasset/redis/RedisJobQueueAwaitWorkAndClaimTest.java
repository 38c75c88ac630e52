package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueException;
import com.snapasset.RateLimit;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.SweepResult;
import com.snapasset.testing.Await;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.SafeEncoder;

/**
 * {@link RedisJobQueue#awaitWorkAndClaim}: the claim sent with the BLPOP (a queue on the system
 * clock, built from a URL), against a real redis-server. That it was sent with the BLPOP is read
 * from the server's slow log, which logs every command here: such a claim carries {@code t} and
 * a clock offset where the ordinary claim carries this process's time.
 */
class RedisJobQueueAwaitWorkAndClaimTest {
  private static final Duration LOCK = Duration.ofSeconds(30);
  private static final LuaScript CLAIM = LuaScript.load("claim", "lib-claim");
  private static final String CLAIM_SHA = CLAIM.sha();
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create();
  private static RedisClient admin;

  private RedisJobQueue queue;

  @BeforeAll
  static void logEveryCommand() {
    admin = server.client();
    admin.configSet("slowlog-log-slower-than", "0");
    admin.configSet("slowlog-max-len", "100000");
  }

  @BeforeEach
  void newQueue() {
    queue = RedisJobQueue.builder().url(server.url()).queueName("q-" + UUID.randomUUID()).build();
    // Loaded, as by a claim before (else the first claim sent with a wait meets NOSCRIPT).
    admin.scriptLoad(CLAIM.source());
    admin.sendCommand(Protocol.Command.SLOWLOG, "RESET");
  }

  @AfterEach
  void closeQueue() {
    queue.close();
  }

  private static NewJob job(String id) {
    return new NewJob(JobId.of(id), "{\"n\":\"" + id + "\"}", 5, 3, -1, -1);
  }

  private static ClaimRequest request(String token) {
    return new ClaimRequest(token, LOCK, null);
  }

  /** The time argument of every claim script call made under {@code token}, oldest first. */
  private static List<String> claimTimes(String token) {
    List<String> times = new ArrayList<>();
    List<?> entries = (List<?>) admin.sendCommand(Protocol.Command.SLOWLOG, "GET", "100000");
    for (Object e : entries) {
      List<?> args = (List<?>) ((List<?>) e).get(3);
      // EVALSHA sha numkeys key token now ...
      if (args.size() > 5 && "EVALSHA".equalsIgnoreCase(text(args.get(0))) && CLAIM_SHA.equals(text(args.get(1)))
          && token.equals(text(args.get(4)))) {
        times.add(0, text(args.get(5))); // the log is newest first
      }
    }
    return times;
  }

  private static String text(Object o) {
    return SafeEncoder.encode((byte[]) o);
  }

  /** Every claim made under {@code token} was sent with a BLPOP (and there was at least one). */
  private static void assertAllSentWithTheWait(String token) {
    assertThat(claimTimes(token)).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("t"));
  }

  private static long blockedInBlpop() {
    String clients = SafeEncoder.encode((byte[]) admin.sendCommand(Protocol.Command.CLIENT, "LIST"));
    return clients.lines().filter(c -> c.contains(" cmd=blpop ") && c.contains(" flags=b ")).count();
  }

  /** A thread calling awaitWorkAndClaim, and what it returns or throws. */
  private record Waiter(Thread thread, CompletableFuture<Claim> claim) {}

  private Waiter awaitAndClaimInBackground(RedisJobQueue q, String token, Duration maxWait) {
    CompletableFuture<Claim> claimed = new CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      try {
        claimed.complete(q.awaitWorkAndClaim(maxWait, request(token)));
      } catch (Throwable e) {
        claimed.completeExceptionally(e);
      }
    });
    waiter.setDaemon(true);
    waiter.start();
    return new Waiter(waiter, claimed);
  }

  /** Starts a waiter on an idle queue and returns once it is blocked in BLPOP. */
  private Waiter blockedWaiter(String token) {
    admin.del(queue.keyPrefix() + "wake");
    Waiter waiter = awaitAndClaimInBackground(queue, token, Duration.ofSeconds(60));
    Await.until("the waiter blocked in BLPOP", Duration.ofSeconds(30), () -> blockedInBlpop() == 1);
    return waiter;
  }

  @Test
  void aJobAddedDuringTheWaitIsClaimedUnderTheCallersToken() throws Exception {
    Waiter waiter = blockedWaiter("t1");
    queue.add(job("a"));

    Claim claim = waiter.claim().get(30, TimeUnit.SECONDS);

    assertThat(claim.job()).map(j -> j.id().value()).contains("a");
    assertThat(queue.find(JobId.of("a"))).map(j -> j.state()).contains(JobState.ACTIVE);
    // The lock is the caller's: its token renews it, another does not.
    assertThat(queue.renewLock(JobId.of("a"), "t1", LOCK)).isEqualTo(LockStatus.HELD);
    assertThat(queue.renewLock(JobId.of("a"), "other", LOCK)).isNotEqualTo(LockStatus.HELD);
    assertThat(queue.complete(JobId.of("a"), "t1", "{}")).isTrue();
    assertAllSentWithTheWait("t1");
  }

  @Test
  void aJobAlreadyWaitingIsClaimedAtOnceAndEachJobOnlyOnce() throws Exception {
    queue.add(job("a"));
    queue.add(job("b"));

    Claim first = queue.awaitWorkAndClaim(Duration.ofSeconds(60), request("t1"));
    Claim second = queue.awaitWorkAndClaim(Duration.ofSeconds(60), request("t2"));

    assertThat(first.job()).isPresent();
    assertThat(second.job()).isPresent();
    assertThat(first.job().get().id()).isNotEqualTo(second.job().get().id());
    assertAllSentWithTheWait("t1");
    assertAllSentWithTheWait("t2");
  }

  @Test
  void anIdleWaitOfOneSliceRunsOneClaim() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(queue.awaitWorkAndClaim(Duration.ofMillis(200), request("idle" + i)).job()).isEmpty();
    }

    for (int i = 0; i < 3; i++) {
      // The one sent with the slice, which ran as the wait ended; no second claim after it.
      assertThat(claimTimes("idle" + i)).hasSize(1).allSatisfy(t -> assertThat(t).startsWith("t"));
    }
  }

  @Test
  void afterTheScriptsWereFlushedItStillClaims() throws Exception {
    queue.add(job("a"));
    admin.scriptFlush(); // as after a restart: the claim sent with the BLPOP answers NOSCRIPT

    Claim claim = queue.awaitWorkAndClaim(Duration.ofSeconds(60), request("t1"));

    assertThat(claim.job()).map(j -> j.id().value()).contains("a");
    // The one sent with the BLPOP did not run (NOSCRIPT), so the ordinary claim ran after it
    // (met NOSCRIPT too, loaded the script and ran it).
    List<String> times = claimTimes("t1");
    assertThat(times).hasSizeGreaterThanOrEqualTo(2);
    assertThat(times.get(0)).startsWith("t");
    assertThat(times.subList(1, times.size())).allSatisfy(t -> assertThat(t).doesNotStartWith("t"));
  }

  @Test
  void aPausedQueueHandsOutNothingUntilResumed() throws Exception {
    queue.pause();
    queue.add(job("a"));

    Claim whilePaused = queue.awaitWorkAndClaim(Duration.ofMillis(300), request("t1"));

    assertThat(whilePaused.job()).isEmpty();
    assertThat(queue.find(JobId.of("a")).orElseThrow().state()).isNotEqualTo(JobState.ACTIVE);
    queue.resume();
    Claim afterResume = queue.awaitWorkAndClaim(Duration.ofSeconds(60), request("t2"));
    assertThat(afterResume.job()).map(j -> j.id().value()).contains("a");
    assertAllSentWithTheWait("t1");
    assertAllSentWithTheWait("t2");
  }

  @Test
  void aDelayedJobThatBecomesDueDuringTheWaitIsClaimedByIt() throws Exception {
    delayOneJob(queue, Clock.systemUTC(), "d");

    Claim claim = queue.awaitWorkAndClaim(Duration.ofSeconds(60), request("t1"));

    assertThat(claim.job()).map(j -> j.id().value()).contains("d");
    assertAllSentWithTheWait("t1");
  }

  @Test
  void aRateLimitedQueueAnswersTheLimitFromTheClaimSentWithTheWait() throws Exception {
    queue.add(job("a"));
    queue.add(job("b"));
    RateLimit oneAMinute = RateLimit.of(1, Duration.ofMinutes(1));

    Claim first = queue.awaitWorkAndClaim(Duration.ofSeconds(60), new ClaimRequest("t1", LOCK, oneAMinute));
    Claim second = queue.awaitWorkAndClaim(Duration.ofSeconds(60), new ClaimRequest("t2", LOCK, oneAMinute));

    assertThat(first.job()).isPresent();
    assertThat(second.job()).isEmpty();
    assertThat(second.rateLimitedFor()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
    assertAllSentWithTheWait("t1");
    assertAllSentWithTheWait("t2");
  }

  @Test
  void anInterruptDuringTheWaitEndsItWithInterruptedExceptionWhenNothingWasClaimed() throws Exception {
    Waiter waiter = blockedWaiter("t1");

    waiter.thread().interrupt();

    assertThat(waiter.claim()).failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(InterruptedException.class);
    assertAllSentWithTheWait("t1");
  }

  @Test
  void closingTheQueueDuringTheWaitReturnsNoneAndClaimsNoMore() throws Exception {
    queue.add(job("a"));
    assertThat(queue.claim(request("t0")).job()).isPresent(); // loads the claim script
    Waiter waiter = blockedWaiter("t1");

    queue.close();

    assertThat(waiter.claim().get(30, TimeUnit.SECONDS).job()).isEmpty();
    // Only the claim sent with the slice the close interrupted; none through the closed client.
    assertThat(claimTimes("t1")).hasSize(1).allSatisfy(t -> assertThat(t).startsWith("t"));
  }

  @Test
  void underAClockAheadOfRedisTheLockAndRateWindowFollowTheQueuesClock() throws Exception {
    Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));
    try (RedisJobQueue q = RedisJobQueue.builder().url(server.url()).queueName("ahead-" + UUID.randomUUID())
        .realTimeClock(ahead).build()) {
      q.add(job("a"));
      RateLimit limit = RateLimit.of(5, Duration.ofMinutes(1));

      long before = ahead.millis();
      Claim claim = q.awaitWorkAndClaim(Duration.ofSeconds(60), new ClaimRequest("t1", LOCK, limit));
      long after = ahead.millis();

      assertThat(claim.job()).map(j -> j.id().value()).contains("a");
      assertAllSentWithTheWait("t1");
      // Written by the claim sent with the BLPOP, on Redis's clock plus the measured offset: this
      // queue's time (10 s ahead of Redis's), never ahead of it, behind by the measurement's error.
      double lockExpiry = admin.zscore(q.keyPrefix() + "active", "a");
      assertThat(lockExpiry).isBetween(before + LOCK.toMillis() - 1_000.0, after + LOCK.toMillis() + 0.0);
      long windowEnd = Long.parseLong(admin.hget(q.keyPrefix() + "limiter", "resetAt"));
      assertThat(windowEnd).isCloseTo((before + after) / 2 + limit.window().toMillis(), within(1_000L + after - before));
    }
  }

  @Test
  void underAClockAheadOfRedisADelayedJobIsPromotedWhenDueOnTheQueuesClock() throws Exception {
    Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));
    try (RedisJobQueue q = RedisJobQueue.builder().url(server.url()).queueName("ahead-" + UUID.randomUUID())
        .realTimeClock(ahead).build()) {
      delayOneJob(q, ahead, "d"); // due in 2 s on the queue's clock, in 12 s on Redis's

      Claim claim = q.awaitWorkAndClaim(Duration.ofSeconds(60), request("t1"));

      assertThat(claim.job()).map(j -> j.id().value()).contains("d");
      assertAllSentWithTheWait("t1");
    }
  }

  /**
   * Adds a job and delays it until 2 s from now on {@code clock} (time enough, on a loaded machine,
   * to ask when it is due before it is), through another instance of the queue: {@code q}'s next
   * wait then asks Redis when the next delayed job is due and ends then, rather than trusting what
   * its own last claim said.
   */
  private static void delayOneJob(RedisJobQueue q, Clock clock, String id) {
    try (RedisJobQueue other = RedisJobQueue.builder().url(server.url()).queueName(q.queueName()).clock(clock).build()) {
      other.add(job(id));
      assertThat(other.claim(request("t0")).job()).isPresent();
      assertThat(other.postpone(JobId.of(id), "t0", clock.instant().plusSeconds(2), "later")).isTrue();
    }
    admin.del(q.keyPrefix() + "wake"); // the add's wake-up, taken by an earlier wait
  }

  /**
   * Redis stalls (a slow script here; a fork or a huge command in production) for longer than the
   * wait's read timeout while the claim is in flight: the call returns none rather than sending
   * the claim again under the same token, which could hold a second job under it; the job the
   * lost claim took, if it ran, is given back by the stalled-job sweep once its lock expires.
   */
  @Test
  void aClaimWhoseAnswerOutlivesTheReadTimeoutIsNotSentAgainAndItsJobIsSweptBack() throws Exception {
    queue.pause(); // each slice's claim finds nothing until the stall below resumes the queue
    queue.add(job("x"));
    queue.add(job("y"));
    // A wait just before: its connection is kept, and the next wait (which Redis stalls) reuses it
    // — the case where a failed wait was asked again on a fresh connection.
    assertThat(queue.awaitWorkAndClaim(Duration.ofMillis(20), request("warm")).job()).isEmpty();
    Waiter waiter = blockedWaiter("T");
    CompletableFuture<Object> stall = CompletableFuture.supplyAsync(() -> {
      try (Jedis stalling = new Jedis("127.0.0.1", server.port(), 30_000)) {
        // Resume and wake the waiter, then keep Redis busy 4 s: longer than the slice (1 s) plus
        // the 2 s the wait's read allows, from whenever in the slice the waiter sent it.
        return stalling.eval("redis.call('DEL', KEYS[1]) redis.call('LPUSH', KEYS[2], '1') "
            + "local t0 = redis.call('TIME') local start = t0[1] * 1000000 + t0[2] "
            + "repeat local t = redis.call('TIME') until t[1] * 1000000 + t[2] - start >= 4000000 return 1",
            List.of(queue.keyPrefix() + "paused", queue.keyPrefix() + "wake"), List.of());
      }
    });

    Claim claim = waiter.claim().get(60, TimeUnit.SECONDS);
    stall.get(60, TimeUnit.SECONDS);

    Set<String> heldUnderT = new HashSet<>();
    for (String id : List.of("x", "y")) {
      if (queue.renewLock(JobId.of(id), "T", LOCK) == LockStatus.HELD) {
        heldUnderT.add(id);
      }
    }
    assertThat(heldUnderT).hasSizeLessThanOrEqualTo(1); // the lost claim's job at most, never two
    assertThat(claim.job()).isEmpty(); // and not handed to the caller: its claim's answer was lost
    // Once its lock has expired (a sweeper whose clock is past it), the sweep gives it back.
    try (RedisJobQueue later = RedisJobQueue.builder().url(server.url()).queueName(queue.queueName())
        .clock(Clock.offset(Clock.systemUTC(), LOCK.multipliedBy(4))).build()) {
      SweepResult swept = later.sweepStalled(5, 5);
      assertThat(swept.recovered()).map(JobId::value).containsExactlyInAnyOrderElementsOf(heldUnderT);
      Set<String> claimedAgain = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        claimedAgain.add(later.claim(request("again" + i)).job().orElseThrow().id().value());
      }
      assertThat(claimedAgain).containsExactlyInAnyOrder("x", "y");
    }
  }

  /**
   * A Redis user that may run everything but {@code TIME} (an ACL; a renamed or disabled command
   * too): the claim cannot be sent with the wait, so the queue waits, then claims, as the SPI's
   * default does — on this call and every later one.
   */
  @Test
  void whenRedisRefusesTimeItWaitsThenClaims() throws Exception {
    admin.sendCommand(Protocol.Command.ACL, "SETUSER", "notime", "on", ">pw-notime", "~*", "&*", "+@all", "-time");
    String url = server.url().replaceFirst("redis://", "redis://notime:pw-notime@");
    try (RedisJobQueue q = RedisJobQueue.builder().url(url).queueName("notime-" + UUID.randomUUID()).build()) {
      q.add(job("a"));
      q.add(job("b"));

      Claim first = q.awaitWorkAndClaim(Duration.ofSeconds(60), request("t1"));
      Claim second = q.awaitWorkAndClaim(Duration.ofSeconds(60), request("t2"));

      assertThat(first.job()).isPresent();
      assertThat(second.job()).isPresent();
      // Ordinary claims, carrying this process's time.
      assertThat(claimTimes("t1")).hasSize(1).allSatisfy(t -> assertThat(t).doesNotStartWith("t"));
      assertThat(claimTimes("t2")).hasSize(1).allSatisfy(t -> assertThat(t).doesNotStartWith("t"));
    } finally {
      admin.sendCommand(Protocol.Command.ACL, "DELUSER", "notime");
    }
  }

  /**
   * The script's own error (here WRONGTYPE, after it may have written): thrown as the ordinary
   * claim would throw it, and the claim is not run again under the same token.
   */
  @Test
  void aScriptErrorOtherThanNoscriptIsThrownAndNotClaimedAgainUnderTheToken() {
    queue.add(job("a"));
    admin.set(queue.keyPrefix() + "limiter", "not a hash");
    ClaimRequest limited = new ClaimRequest("t1", LOCK, RateLimit.of(5, Duration.ofMinutes(1)));

    assertThatThrownBy(() -> queue.awaitWorkAndClaim(Duration.ofSeconds(60), limited))
        .isInstanceOf(QueueException.class).hasMessageContaining("WRONGTYPE");
    assertThat(claimTimes("t1")).hasSize(1).allSatisfy(t -> assertThat(t).startsWith("t"));
  }

  /** A clock other than the system's (a test's offset one here) is not Redis's plus an offset. */
  @Test
  void aQueueOnAnotherClockWaitsThenClaims() throws Exception {
    Clock other = Clock.offset(Clock.systemUTC(), Duration.ofMillis(1));
    try (RedisJobQueue q = RedisJobQueue.builder().url(server.url()).queueName("clock-" + UUID.randomUUID())
        .clock(other).build()) {
      q.add(job("a"));

      Claim claim = q.awaitWorkAndClaim(Duration.ofSeconds(60), request("t1"));

      assertThat(claim.job()).map(j -> j.id().value()).contains("a");
      assertThat(claimTimes("t1")).hasSize(1).allSatisfy(t -> assertThat(t).doesNotStartWith("t"));
    }
  }
}
