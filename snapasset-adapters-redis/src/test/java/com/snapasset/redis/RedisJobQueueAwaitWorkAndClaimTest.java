package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * {@link RedisJobQueue#awaitWorkAndClaim}: the claim sent with the BLPOP (a queue on the system
 * clock, built from a URL), against a real redis-server.
 */
class RedisJobQueueAwaitWorkAndClaimTest {
  private static final Duration LOCK = Duration.ofSeconds(30);
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create();

  private RedisJobQueue queue;

  @BeforeEach
  void newQueue() {
    queue = RedisJobQueue.builder().url(server.url()).queueName("q-" + UUID.randomUUID()).build();
  }

  @AfterEach
  void closeQueue() {
    queue.close();
  }

  private static NewJob job(String id) {
    return new NewJob(JobId.of(id), "{\"n\":\"" + id + "\"}", 5, 3, -1, -1);
  }

  private CompletableFuture<Claim> awaitAndClaimInBackground(String token, Duration maxWait, CountDownLatch started) {
    CompletableFuture<Claim> claimed = new CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      started.countDown();
      try {
        claimed.complete(queue.awaitWorkAndClaim(maxWait, new ClaimRequest(token, LOCK, null)));
      } catch (Throwable e) {
        claimed.completeExceptionally(e);
      }
    });
    waiter.setDaemon(true);
    waiter.start();
    return claimed;
  }

  @Test
  void aJobAddedDuringTheWaitIsClaimedUnderTheCallersToken() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Claim> claimed = awaitAndClaimInBackground("t1", Duration.ofSeconds(60), started);
    started.await();
    queue.add(job("a"));

    Claim claim = claimed.get(30, TimeUnit.SECONDS);

    assertThat(claim.job()).map(j -> j.id().value()).contains("a");
    assertThat(queue.find(JobId.of("a"))).map(j -> j.state()).contains(JobState.ACTIVE);
    // The lock is the caller's: its token renews it, another does not.
    assertThat(queue.renewLock(JobId.of("a"), "t1", LOCK)).isEqualTo(LockStatus.HELD);
    assertThat(queue.renewLock(JobId.of("a"), "other", LOCK)).isNotEqualTo(LockStatus.HELD);
    assertThat(queue.complete(JobId.of("a"), "t1", "{}")).isTrue();
  }

  @Test
  void aJobAlreadyWaitingIsClaimedAtOnceAndEachJobOnlyOnce() throws Exception {
    queue.add(job("a"));
    queue.add(job("b"));

    Claim first = queue.awaitWorkAndClaim(Duration.ofSeconds(60), new ClaimRequest("t1", LOCK, null));
    Claim second = queue.awaitWorkAndClaim(Duration.ofSeconds(60), new ClaimRequest("t2", LOCK, null));

    assertThat(first.job()).isPresent();
    assertThat(second.job()).isPresent();
    assertThat(first.job().get().id()).isNotEqualTo(second.job().get().id());
  }

  @Test
  void afterTheScriptsWereFlushedItStillClaims() throws Exception {
    queue.add(job("a"));
    RedisClient admin = server.client();
    admin.scriptFlush(); // as after a restart: the claim sent with the BLPOP answers NOSCRIPT

    Claim claim = queue.awaitWorkAndClaim(Duration.ofSeconds(60), new ClaimRequest("t1", LOCK, null));

    assertThat(claim.job()).map(j -> j.id().value()).contains("a");
  }

  @Test
  void aPausedQueueHandsOutNothingUntilResumed() throws Exception {
    queue.pause();
    queue.add(job("a"));

    Claim whilePaused = queue.awaitWorkAndClaim(Duration.ofMillis(300), new ClaimRequest("t1", LOCK, null));

    assertThat(whilePaused.job()).isEmpty();
    assertThat(queue.find(JobId.of("a")).orElseThrow().state()).isNotEqualTo(JobState.ACTIVE);
    queue.resume();
    Claim afterResume = queue.awaitWorkAndClaim(Duration.ofSeconds(60), new ClaimRequest("t2", LOCK, null));
    assertThat(afterResume.job()).map(j -> j.id().value()).contains("a");
  }
}
