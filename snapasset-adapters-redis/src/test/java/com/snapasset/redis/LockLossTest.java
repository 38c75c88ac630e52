package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two workers (two queue clients, as in two JVMs) on one Redis, real time: the first one's lock
 * expires while it "works", the second one's sweep takes the job over, and from then on nothing
 * the first one does changes the job.
 */
class LockLossTest {
  private static final Duration SHORT_LOCK = Duration.ofMillis(300);

  @Test
  void aWorkerWhoseLockExpiredCannotCompleteAJobAnotherWorkerHolds() {
    try (RedisTestServer server = RedisTestServer.start();
        RedisJobQueue slow = RedisJobQueue.builder().url(server.url()).queueName("locks").build();
        RedisJobQueue other = RedisJobQueue.builder().url(server.url()).queueName("locks").build()) {
      JobId id = JobId.of("contested");
      slow.add(new NewJob(id, "payload", 5, 3, -1, -1));
      QueuedJob mine = slow.claim(new ClaimRequest("slow-token", SHORT_LOCK, null)).job().orElseThrow();
      assertThat(mine.id()).isEqualTo(id);

      // The slow worker misses its renewals; the other worker's sweep recovers the job once the
      // lock has expired in real time, then claims it with a long lock.
      List<JobId> recovered = new ArrayList<>();
      Await.until("the other worker to recover the expired job", Duration.ofSeconds(10), () -> {
        recovered.addAll(other.sweepStalled(1).recovered());
        return !recovered.isEmpty();
      });
      assertThat(recovered).containsExactly(id);
      QueuedJob theirs = other.claim(new ClaimRequest("other-token", Duration.ofMinutes(1), null))
          .job().orElseThrow();
      assertThat(theirs.id()).isEqualTo(id);

      assertThat(slow.renewLock(id, "slow-token", SHORT_LOCK)).isEqualTo(LockStatus.LOST);
      assertThat(slow.progress(id, "slow-token", 99)).isFalse();
      assertThat(slow.complete(id, "slow-token", "stale result")).isFalse();
      assertThat(slow.fail(id, "slow-token", "stale failure", null)).isFalse();
      assertThat(slow.release(id, "slow-token")).isFalse();
      QueuedJob untouched = other.find(id).orElseThrow();
      assertThat(untouched.state()).isEqualTo(JobState.ACTIVE);
      assertThat(untouched.progress()).isZero();

      assertThat(other.renewLock(id, "other-token", Duration.ofMinutes(1))).isEqualTo(LockStatus.HELD);
      assertThat(other.complete(id, "other-token", "fresh result")).isTrue();
      QueuedJob done = slow.find(id).orElseThrow();
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.result()).isEqualTo("fresh result");
      assertThat(done.attemptsMade()).isEqualTo(1);
      assertThat(done.stalledCount()).isEqualTo(1);
    }
  }
}
