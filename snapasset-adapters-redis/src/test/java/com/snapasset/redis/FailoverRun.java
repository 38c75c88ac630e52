package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueStats;
import com.snapasset.SnapAssetException;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.testing.Await;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;

/**
 * The failover scenario shared by the Cluster and Sentinel tests: two workers (engine workers, 4
 * jobs at a time each, 2 s locks) process 60 jobs from a queue at {@code url}; once the jobs are on
 * the replica and some have completed, {@code killMaster} SIGKILLs the queue's master. The run must
 * still end with every job completed, none left waiting or active, each with an intact result.
 */
final class FailoverRun {
  static final int JOBS = 60;

  /** What happened, for the assertions of a test and the log. */
  record Outcome(int completedBeforeKill, int providerCalls, int jobsRunMoreThanOnce) {}

  private FailoverRun() {}

  static Outcome run(String url, String queueName, Path output, Runnable awaitReplicated, Runnable killMaster)
      throws Exception {
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    PrintStream announce = new PrintStream(new LineCounter(calls), true, StandardCharsets.UTF_8);
    List<AutoCloseable> open = new ArrayList<>();
    try {
      RedisJobQueue queue = RedisJobQueue.builder().url(url).queueName(queueName).build();
      open.add(queue);
      AssetGenerator producer = generator(queue, announce, output);
      open.add(producer);
      for (int w = 0; w < 2; w++) {
        RedisJobQueue q = RedisJobQueue.builder().url(url).queueName(queueName).build();
        open.add(q);
        AssetGenerator g = generator(q, announce, output);
        open.add(g);
        Worker worker = g.startWorker(WorkerOptions.builder().concurrency(4)
            .lockDuration(Duration.ofSeconds(2)).lockRenewInterval(Duration.ofMillis(400))
            .stalledCheckInterval(Duration.ofMillis(500)).maxStalledCount(10)
            .shutdownGrace(Duration.ofSeconds(5)).build());
        open.add(0, worker);
      }
      List<JobId> ids = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        ids.add(producer.submit(GenerationRequest.builder().userId("u1").prompt("failover job " + i)
            .platforms(List.of("tiny")).build()));
      }
      // Replication is asynchronous: a job added a moment before the kill may not have reached the
      // replica (the documented window). The test kills once the adds are replicated.
      awaitReplicated.run();
      Await.until("some jobs to complete", Duration.ofSeconds(60), () -> stats(queue).completed() >= 10);
      int completedBeforeKill = (int) stats(queue).completed();

      killMaster.run();

      Await.until("every job to finish after the failover", Duration.ofSeconds(90), () -> {
        QueueStats s = stats(queue);
        return s.completed() + s.failed() == JOBS;
      });
      QueueStats s = queue.stats();
      assertThat(s.completed()).as("completed jobs").isEqualTo(JOBS);
      assertThat(s.active() + s.waiting() + s.delayed() + s.failed()).isZero();
      for (JobId id : ids) {
        Job job = retrying(() -> producer.job(id)).orElseThrow();
        assertThat(job.state()).as("job %s", id).isEqualTo(JobState.COMPLETED);
        assertThat(job.resultIfCompleted().orElseThrow().assets()).hasSize(1);
      }
      int twice = (int) calls.values().stream().filter(c -> c.get() > 1).count();
      assertThat(calls).as("jobs the provider was called for").hasSize(JOBS);
      return new Outcome(completedBeforeKill, calls.values().stream().mapToInt(AtomicInteger::get).sum(), twice);
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
    }
  }

  /** Waits until {@code replica} has applied everything {@code master} had written when called. */
  static void awaitReplicaCaughtUp(RedisTestServer master, RedisTestServer replica) {
    long target;
    try (Jedis m = RedisTestCluster.jedis(master)) {
      target = field(m.info("replication"), "master_repl_offset");
    }
    Await.until("the replica to reach offset " + target, Duration.ofSeconds(30), () -> {
      try (Jedis r = RedisTestCluster.jedis(replica)) {
        return field(r.info("replication"), "slave_repl_offset") >= target;
      }
    });
  }

  private static long field(String info, String name) {
    return info.lines().filter(l -> l.startsWith(name + ":")).findFirst()
        .map(l -> Long.parseLong(l.substring(name.length() + 1).strip())).orElse(-1L);
  }

  private static AssetGenerator generator(RedisJobQueue queue, PrintStream announce, Path output) {
    return AssetGenerator.builder().jobQueue(queue).imageProvider(new TinyProvider(Duration.ofMillis(100), announce))
        .registerPlatform(CrashTestWorkerMain.TINY).outputDirectory(output).build();
  }

  /** Queue stats; while the master is down calls fail, which the waiting treats as "not yet". */
  private static QueueStats stats(RedisJobQueue queue) {
    try {
      return queue.stats();
    } catch (SnapAssetException e) {
      return new QueueStats(0, 0, 0, 0, 0, false);
    }
  }

  private static <T> T retrying(Supplier<T> action) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return action.get();
      } catch (SnapAssetException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // the master is being replaced: poll
      }
    }
  }

  /** Counts the provider's "GENERATING prompt" lines per prompt. */
  private static final class LineCounter extends OutputStream {
    private final Map<String, AtomicInteger> calls;
    private final StringBuilder line = new StringBuilder();

    LineCounter(Map<String, AtomicInteger> calls) {
      this.calls = calls;
    }

    @Override
    public synchronized void write(int b) {
      if (b != '\n') {
        line.append((char) b);
        return;
      }
      String l = line.toString();
      line.setLength(0);
      if (l.startsWith("GENERATING ")) {
        calls.computeIfAbsent(l.substring("GENERATING ".length()), k -> new AtomicInteger()).incrementAndGet();
      }
    }
  }
}
