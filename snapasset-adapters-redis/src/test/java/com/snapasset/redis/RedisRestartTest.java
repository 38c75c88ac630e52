package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueException;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.testing.Await;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Redis is killed (SIGKILL) and restarted from its append-only file while a producer adds and a
 * worker processes jobs: the queue reconnects by itself and no job added before the restart is lost.
 */
class RedisRestartTest {
  private static final int BEFORE = 300;
  private static final int AFTER = 100;

  @Test
  void noJobAddedBeforeARestartIsLost() throws Exception {
    try (RedisTestServer server = RedisTestServer.start(true);
        RedisJobQueue producer = RedisJobQueue.builder().url(server.url()).queueName("restart").build();
        RedisJobQueue worker = RedisJobQueue.builder().url(server.url()).queueName("restart").build()) {
      Set<String> completedEvents = ConcurrentHashMap.newKeySet();
      Subscription events = producer.subscribe(e -> {
        if (e.type() == QueueEvent.Type.COMPLETED) {
          completedEvents.add(e.jobId().value());
        }
      });
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger processed = new AtomicInteger();
      AtomicInteger workerErrors = new AtomicInteger();
      Thread workerThread = new Thread(() -> work(worker, stop, processed, workerErrors));
      workerThread.start();

      for (int i = 0; i < BEFORE; i++) {
        NewJob job = new NewJob(JobId.of("j" + i), "payload-" + i, 5, 3, -1, -1);
        retrying(() -> producer.add(job));
      }
      Await.until("the worker to be mid-run", Duration.ofSeconds(30), () -> processed.get() > 20);

      server.crashAndRestart();

      for (int i = BEFORE; i < BEFORE + AFTER; i++) {
        NewJob job = new NewJob(JobId.of("j" + i), "payload-" + i, 5, 3, -1, -1);
        retrying(() -> producer.add(job));
      }
      Await.until("every job to complete", Duration.ofSeconds(60),
          () -> retrying(producer::stats).completed() == BEFORE + AFTER);
      stop.set(true);
      workerThread.join(10_000);

      for (int i = 0; i < BEFORE + AFTER; i++) {
        QueuedJob job = producer.find(JobId.of("j" + i)).orElseThrow();
        assertThat(job.state()).as("j%d", i).isEqualTo(JobState.COMPLETED);
        assertThat(job.result()).isEqualTo("done:payload-" + i);
      }
      assertThat(producer.stats().active()).isZero();
      // The connection broke: the worker saw failures and got over them.
      assertThat(workerErrors).hasPositiveValue();
      // The event subscription reconnected: jobs added after the restart were heard completing.
      Await.until("completion events after the restart", Duration.ofSeconds(30),
          () -> completedEvents.contains("j" + (BEFORE + AFTER - 1)));
      events.close();
    }
  }

  /** A minimal worker loop; a job it held when Redis died may stay active until its lock ends. */
  private static void work(RedisJobQueue q, AtomicBoolean stop, AtomicInteger processed, AtomicInteger errors) {
    int n = 0;
    while (!stop.get()) {
      try {
        String token = "w-" + n++;
        Optional<QueuedJob> job = q.claim(new ClaimRequest(token, Duration.ofSeconds(2), null)).job();
        if (job.isEmpty()) {
          q.sweepStalled(5);
          q.awaitWork(Duration.ofMillis(200));
          continue;
        }
        if (q.complete(job.get().id(), token, "done:" + job.get().payload())) {
          processed.incrementAndGet();
        }
      } catch (QueueException e) {
        errors.incrementAndGet();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static <T> T retrying(Supplier<T> action) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return action.get();
      } catch (QueueException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // Redis is restarting: poll
      }
    }
  }
}
