package com.snapasset.benchmarks.queue;

import com.snapasset.JobId;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.spi.queue.NewJob;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import redis.clients.jedis.Jedis;

/**
 * One phase of adds through the real {@link RedisJobQueue} (its batcher and scripts, as users run
 * them), for {@code scripts/add-instructions.sh}, which runs each phase in a JVM of its own against
 * a redis-server under callgrind and reads Redis's instruction count when that server exits.
 * {@code java ... AddInstructionsProbe REDIS_URL PHASE ADDS}, with the classpath that {@code
 * scripts/build-classpath.sh} sets as {@code CP}. PHASE is {@code lone} (the blocking {@code add},
 * one at a time) or a number K ({@code addAsync} with K adds in flight: K chains, each making its
 * next add once its last one is answered, so the batcher sends combined calls of up to about K).
 *
 * <p>Before the phase's ADDS adds it makes one add the same way, which meets NOSCRIPT and loads
 * the script: a run with ADDS 0 makes only that one (and the same connections and INFO reads), so
 * a run's Ir less that of a 0-add run is what the ADDS adds cost Redis. Prints one line: the
 * phase, the adds, and Redis's EVALSHA calls during them (INFO commandstats) — the combined calls
 * the batcher actually made, which timing decides, so the reader sees the batch size measured.
 * Jobs are {@code {}} payloads with fixed ids on a fixed queue name, so two checkouts' runs send
 * the same bytes apart from the timestamps.
 */
final class AddInstructionsProbe {
  private AddInstructionsProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: AddInstructionsProbe REDIS_URL lone|IN_FLIGHT ADDS");
      System.exit(2);
    }
    String url = args[0];
    String phase = args[1];
    int adds = Integer.parseInt(args[2]);
    int inFlight = phase.equals("lone") ? 0 : Integer.parseInt(phase);
    try (Jedis stats = new Jedis(URI.create(url));
        RedisJobQueue q = RedisJobQueue.builder().url(url).queueName("add-instructions").build()) {
      if (inFlight == 0) {
        q.add(job("first"));
      } else {
        q.addAsync(job("first")).join(); // starts the dispatcher, as the phase's adds go through it
      }
      long calls0 = evalshaCalls(stats);
      if (inFlight == 0) {
        for (int i = 0; i < adds; i++) {
          q.add(job("j" + i));
        }
      } else {
        addInFlight(q, adds, inFlight);
      }
      long calls = evalshaCalls(stats) - calls0;
      System.out.printf("phase=%s adds=%d evalsha_calls=%d adds_per_call=%.2f%n", phase, adds, calls,
          calls == 0 ? 0.0 : (double) adds / calls);
    }
  }

  private static NewJob job(String id) {
    return new NewJob(JobId.of(id), "{}", 5, 1, -1, -1);
  }

  /**
   * {@code inFlight} chains of {@code addAsync}, as SnapAssetQueueRunner's add_concurrent row. Its
   * own copy, not the runner's: with {@code --compare}, the script runs this class alone on another
   * checkout's classpath, where only the library's public API can be relied on.
   */
  private static void addInFlight(RedisJobQueue q, int adds, int inFlight) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch chainsDone = new CountDownLatch(inFlight);
    for (int c = 0; c < inFlight; c++) {
      addNext(q, adds, next, chainsDone, failure);
    }
    // Redis under callgrind runs some 50 times slower than alone.
    if (!chainsDone.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("adds still in flight after 10 minutes");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("an add failed", failure.get());
    }
  }

  private static void addNext(RedisJobQueue q, int adds, AtomicInteger next, CountDownLatch chainsDone,
      AtomicReference<Throwable> failure) {
    int i = next.getAndIncrement();
    if (i >= adds) {
      chainsDone.countDown();
      return;
    }
    q.addAsync(job("j" + i)).whenComplete((added, error) -> {
      if (error != null) {
        failure.compareAndSet(null, error);
      }
      addNext(q, adds, next, chainsDone, failure);
    });
  }

  private static long evalshaCalls(Jedis stats) {
    for (String line : stats.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:")) {
        for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
          if (field.startsWith("calls=")) {
            return Long.parseLong(field.substring("calls=".length()));
          }
        }
      }
    }
    return 0;
  }
}
