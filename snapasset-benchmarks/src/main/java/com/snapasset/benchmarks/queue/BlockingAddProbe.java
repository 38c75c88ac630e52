package com.snapasset.benchmarks.queue;

import com.snapasset.JobId;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.redis.RedisTestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "add, 32 blocking threads" row two ways, alternating in one process: each thread calling
 * the blocking {@code add}, or {@code addAsync(job).join()} (through the dispatcher, two batches
 * in flight). Prints adds/s and per-add CPU of this process and of redis-server per round.
 * {@code java ... BlockingAddProbe [rounds] [jobs] [threads]}, with the classpath that {@code
 * scripts/bullmq-compare.sh} builds (snapasset-benchmarks/target/classes plus .scratch/benchmarks-classpath.txt).
 *
 * <p>Issue 15 (2 shared cores, load 0.4-2): {@code join} beat the blocking {@code add} by about
 * 15-30% in warm rounds, yet the blocking row stays CPU-bound, not idle-bound: each add costs one
 * thread wake-up (about 1.05 voluntary context switches per add either way) and 17-35 us of JVM
 * CPU beside Redis's 15-25 us, about both cores' worth at 40k adds/s; the dispatcher also sends
 * smaller combined calls (0.065-0.085 script calls per add against 0.036).
 */
final class BlockingAddProbe {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int callers = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    RedisTestServer server = RedisTestServer.start();
    try {
      Indicators indicators = new Indicators(server.url());
      int queue = 0;
      for (int r = 0; r < rounds; r++) {
        for (String mode : List.of("add", "join")) {
          try (RedisJobQueue q = RedisJobQueue.builder().url(server.url()).queueName("probe-" + (queue++))
              .maxConnections(80).build()) {
            Indicators.Snapshot since = indicators.start();
            AtomicInteger next = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(callers);
            CountDownLatch exit = new CountDownLatch(1);
            boolean join = mode.equals("join");
            for (int t = 0; t < callers; t++) {
              Thread th = new Thread(() -> {
                try {
                  start.await();
                  for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    NewJob job = new NewJob(JobId.of("j" + i), "{}", 5, 1, -1, -1);
                    if (join) {
                      q.addAsync(job).join();
                    } else {
                      q.add(job);
                    }
                  }
                  done.countDown();
                  exit.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
              th.start();
              threads.add(th);
            }
            long t0 = System.nanoTime();
            start.countDown();
            done.await();
            long nanos = System.nanoTime() - t0;
            Map<String, Double> ind = since.stop(n);
            exit.countDown();
            for (Thread th : threads) {
              th.join();
            }
            System.out.printf("round %d %-4s %8.0f adds/s  cpu %.1f us  redis_cpu %.1f us  ctx_vol %.2f  scripts %.3f%n",
                r, mode, n / (nanos / 1e9), ind.get("cpu_us"), ind.get("redis_cpu_us"), ind.get("ctx_vol"),
                ind.get("scripts"));
          }
        }
      }
    } finally {
      server.close();
    }
  }
}
