package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueException;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.JobQueueContract;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.BaseImageCache;
import com.snapasset.spi.BaseImageCacheContract;
import com.snapasset.testing.Await;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;

/**
 * The queue and the cache on a real 3-master / 3-replica Redis Cluster (one per class): both
 * contracts, queues spread over the masters, the user's own cluster client, and a queue whose
 * slot is moved to another master while workers run.
 */
class RedisClusterTest extends JobQueueContract {
  private static RedisTestCluster cluster;

  @BeforeAll
  static void startCluster() {
    RedisServerVersion.requireRedis7("Redis Cluster tests");
    cluster = RedisTestCluster.start(3, 1);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected boolean reportsLastReady() {
    return true; // claim.lua answers it
  }

  @Override
  protected JobQueue createQueue(Clock clock) {
    return RedisJobQueue.builder().url(cluster.url())
        .queueName("contract-" + UUID.randomUUID()).clock(clock).build();
  }

  @Nested
  class Cache extends BaseImageCacheContract {
    private RedisBaseImageCache shared;

    @Override
    protected BaseImageCache createCache() {
      if (shared == null) {
        shared = RedisBaseImageCache.builder().url(cluster.url()).build();
      }
      return shared;
    }

    @Test
    void keysLandOnEveryMaster() {
      RedisBaseImageCache c = (RedisBaseImageCache) createCache();
      Set<Integer> ports = new HashSet<>();
      for (int i = 0; i < 30; i++) {
        c.put("spread-" + i, new byte[] {(byte) i}, Duration.ofMinutes(1));
        ports.add(cluster.masterOf("snapasset:cache:spread-" + i).port());
      }
      for (int i = 0; i < 30; i++) {
        byte expected = (byte) i;
        assertThat(c.get("spread-" + i)).hasValueSatisfying(v -> assertThat(v).containsExactly(expected));
      }
      assertThat(ports).hasSize(3);
    }
  }

  @Test
  void severalQueuesSpreadOverTheMastersEachInOneSlot() {
    Set<Integer> masters = new HashSet<>();
    List<RedisJobQueue> queues = new ArrayList<>();
    try {
      for (int i = 0; masters.size() < 3 && i < 50; i++) {
        RedisJobQueue q = RedisJobQueue.builder().url(cluster.url()).queueName("spread-" + i).build();
        queues.add(q);
        q.add(new NewJob(JobId.of("a"), "p", 0, 1, -1, -1));
        String token = "t" + i;
        QueuedJob job = q.claim(new ClaimRequest(token, Duration.ofSeconds(30), null)).job().orElseThrow();
        assertThat(q.complete(job.id(), token, "r")).isTrue();
        RedisTestServer master = cluster.masterOf(q.keyPrefix());
        masters.add(master.port());
        // Every key of the queue is on that master, in the slot of its hash tag.
        try (Jedis j = RedisTestCluster.jedis(master)) {
          int slot = cluster.slot(q.keyPrefix());
          assertThat(j.clusterGetKeysInSlot(slot, 100)).contains(q.keyPrefix() + "job:a",
              q.keyPrefix() + "completed", q.keyPrefix() + "seq");
        }
      }
      assertThat(masters).as("masters holding a queue").hasSize(3);
    } finally {
      queues.forEach(RedisJobQueue::close);
    }
  }

  @Test
  void runsOnTheUsersOwnClusterClient() {
    RedisTestServer seed = cluster.live().get(0);
    try (RedisClusterClient own = RedisClusterClient.create(new HostAndPort("127.0.0.1", seed.port()));
        RedisJobQueue q = RedisJobQueue.builder().client(own).queueName("own-client").build()) {
      q.add(new NewJob(JobId.of("x"), "payload", 0, 1, -1, -1));
      assertThat(q.stats().waiting()).isEqualTo(1);
      assertThat(own.exists(q.keyPrefix() + "job:x")).isTrue();
    }
  }

  /**
   * The queue's slot moves to another master, key batch by key batch, while a producer adds and
   * workers claim and complete. Scripts wait out the migration (TRYAGAIN) instead of running on
   * half of the keys: every job completes exactly once and no call fails.
   */
  @Test
  void aQueueSurvivesTheMigrationOfItsSlot() throws Exception {
    int before = 300;
    int during = 200;
    String url = cluster.url();
    try (RedisJobQueue producer = RedisJobQueue.builder().url(url).queueName("migrating").build()) {
      for (int i = 0; i < before; i++) {
        producer.add(new NewJob(JobId.of("j" + i), "p" + i, 0, 1, -1, -1));
      }
      Set<String> completedTwice = ConcurrentHashMap.newKeySet();
      Set<String> completed = ConcurrentHashMap.newKeySet();
      AtomicInteger errors = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> workers = new ArrayList<>();
      List<RedisJobQueue> workerQueues = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        // Pipelined calls (redirections handed to the cluster client) and direct ones alike.
        RedisJobQueue q = RedisJobQueue.builder().url(url).queueName("migrating").pipelining(w != 0).build();
        workerQueues.add(q);
        Thread t = new Thread(() -> work(q, stop, completed, completedTwice, errors), "migration-worker-" + w);
        workers.add(t);
        t.start();
      }
      Await.until("workers to be mid-run", Duration.ofSeconds(30), () -> completed.size() > 20);

      RedisTestServer from = cluster.masterOf(producer.keyPrefix());
      RedisTestServer to = cluster.otherMaster(from);
      int slot = cluster.slot(producer.keyPrefix());
      // A producer keeps adding while the slot moves, so calls arrive mid-migration.
      AtomicInteger producerErrors = new AtomicInteger();
      Thread producing = new Thread(() -> {
        for (int i = before; i < before + during; i++) {
          try {
            producer.add(new NewJob(JobId.of("j" + i), "p" + i, 0, 1, -1, -1));
          } catch (QueueException e) {
            producerErrors.incrementAndGet();
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a steady trickle
        }
      }, "migration-producer");
      producing.start();
      cluster.migrateSlot(slot, from, to, 10,
          () -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5))); // pace the migration, widening its window
      producing.join(60_000);
      assertThat(producerErrors).hasValue(0);
      int total = before + during;
      Await.until("every job to complete", Duration.ofSeconds(60), () -> producer.stats().completed() == total);
      stop.set(true);
      for (Thread t : workers) {
        t.join(10_000);
      }
      long retries = producer.migrationRetries()
          + workerQueues.stream().mapToLong(RedisJobQueue::migrationRetries).sum();
      workerQueues.forEach(RedisJobQueue::close);

      assertThat(cluster.masterOf(producer.keyPrefix()).port()).as("the slot's new master").isEqualTo(to.port());
      try (Jedis j = RedisTestCluster.jedis(from)) {
        assertThat(j.clusterCountKeysInSlot(slot)).as("keys left on the old master").isZero();
      }
      assertThat(completed).hasSize(total);
      assertThat(completedTwice).isEmpty();
      assertThat(errors).hasValue(0);
      assertThat(retries).as("calls that met the migration and waited").isPositive();
      for (int i = 0; i < total; i++) {
        QueuedJob job = producer.find(JobId.of("j" + i)).orElseThrow();
        assertThat(job.state()).as("j%d", i).isEqualTo(JobState.COMPLETED);
        assertThat(job.attemptsMade()).as("attempts of j%d", i).isEqualTo(1);
        assertThat(job.result()).isEqualTo("done:p" + i);
      }
    }
  }

  private static void work(RedisJobQueue q, AtomicBoolean stop, Set<String> completed, Set<String> twice,
      AtomicInteger errors) {
    int n = 0;
    while (!stop.get()) {
      try {
        String token = Thread.currentThread().getName() + "-" + n++;
        Optional<QueuedJob> job = q.claim(new ClaimRequest(token, Duration.ofSeconds(30), null)).job();
        if (job.isEmpty()) {
          q.awaitWork(Duration.ofMillis(100));
          continue;
        }
        if (q.complete(job.get().id(), token, "done:" + job.get().payload())
            && !completed.add(job.get().id().value())) {
          twice.add(job.get().id().value());
        }
      } catch (QueueException e) {
        errors.incrementAndGet();
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
