package com.snapasset.benchmarks.queue;

import com.snapasset.JobId;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.redis.RedisTestCluster;
import com.snapasset.redis.RedisTestServer;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueuedJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * No-op job throughput of {@code RedisJobQueue} on a 3-master Redis Cluster against one
 * redis-server, in the same run: {@code --queues} queues (each in its own hash slot, so spread over
 * the masters), each with {@code --threads} worker threads claiming and completing, after the jobs
 * were added by 16 threads. Rounds alternate one server / cluster; each row keeps its best round.
 *
 * <pre>
 * ClusterQueueBenchmark [--queues 6] [--threads 8] [--jobs 5000] [--rounds 2] [--cluster-replicas 1]
 *                       [--single-url redis://…] [--cluster-url redis://h1:p1,h2:p2,…]
 * </pre>
 *
 * Without URLs it starts a redis-server and a 3-master cluster with {@code --cluster-replicas}
 * replicas per master on loopback (needs
 * redis-server 7 on PATH).
 */
public final class ClusterQueueBenchmark {
  private ClusterQueueBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    int queues = Integer.parseInt(o.getOrDefault("--queues", "6"));
    int threads = Integer.parseInt(o.getOrDefault("--threads", "8"));
    int jobs = Integer.parseInt(o.getOrDefault("--jobs", "5000"));
    int rounds = Integer.parseInt(o.getOrDefault("--rounds", "2"));
    int replicas = Integer.parseInt(o.getOrDefault("--cluster-replicas", "1"));
    RedisTestServer single = null;
    RedisTestCluster cluster = null;
    try {
      String singleUrl = o.get("--single-url");
      if (singleUrl == null) {
        single = RedisTestServer.start();
        singleUrl = single.url();
      }
      String clusterUrl = o.get("--cluster-url");
      if (clusterUrl == null) {
        cluster = RedisTestCluster.start(3, replicas);
        clusterUrl = cluster.url();
      }
      System.out.printf("queues %d x threads %d, %d jobs per queue, cluster: 3 masters x %d replica(s); cores %d,"
          + " java %s%n", queues, threads, jobs, replicas, Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
      run(singleUrl, 1, threads, jobs / 5, "warm-up"); // JIT
      run(clusterUrl, 1, threads, jobs / 5, "warm-up");
      Map<String, Double> best = new LinkedHashMap<>();
      for (int r = 1; r <= rounds; r++) {
        for (int q : new int[] {1, queues}) {
          best.merge("one server, " + q + " queue(s)", run(singleUrl, q, threads, jobs, "single-" + r), Math::max);
          best.merge("cluster, " + q + " queue(s)", run(clusterUrl, q, threads, jobs, "cluster-" + r), Math::max);
        }
      }
      System.out.println();
      System.out.println("| setup | jobs/s (best of " + rounds + ") |");
      System.out.println("| --- | ---: |");
      best.forEach((k, v) -> System.out.printf("| %s | %,.0f |%n", k, v));
      System.out.printf("%ncluster / one server: 1 queue %.2f, %d queues %.2f%n",
          best.get("cluster, 1 queue(s)") / best.get("one server, 1 queue(s)"), queues,
          best.get("cluster, " + queues + " queue(s)") / best.get("one server, " + queues + " queue(s)"));
    } finally {
      if (single != null) {
        single.close();
      }
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** Adds {@code jobs} to each of {@code queues} queues, then returns the jobs/s of processing them all. */
  private static double run(String url, int queues, int threads, int jobs, String tag) throws InterruptedException {
    String run = tag + "-" + Long.toString(System.nanoTime(), 36);
    List<RedisJobQueue> qs = new ArrayList<>();
    try {
      for (int q = 0; q < queues; q++) {
        qs.add(RedisJobQueue.builder().url(url).queueName("bench-" + run + "-" + q).maxConnections(threads + 8).build());
      }
      for (RedisJobQueue q : qs) {
        parallel(16, t -> {
          for (int i = t; i < jobs; i += 16) {
            q.add(new NewJob(JobId.of("j" + i), "{}", 5, 1, -1, -1));
          }
        });
      }
      long t0 = System.nanoTime();
      List<Thread> all = new ArrayList<>();
      for (RedisJobQueue q : qs) {
        AtomicInteger left = new AtomicInteger(jobs);
        for (int t = 0; t < threads; t++) {
          String name = "w" + t;
          Thread th = new Thread(() -> {
            int n = 0;
            while (left.get() > 0) {
              String token = name + "-" + n++;
              Optional<QueuedJob> job = q.claim(new ClaimRequest(token, Duration.ofSeconds(30), null)).job();
              if (job.isPresent() && q.complete(job.get().id(), token, "ok")) {
                left.decrementAndGet();
              }
            }
          });
          th.start();
          all.add(th);
        }
      }
      for (Thread t : all) {
        t.join();
      }
      double perSecond = (double) queues * jobs / ((System.nanoTime() - t0) / 1e9);
      System.out.printf("%-10s %-60s %2d queue(s): %,10.0f jobs/s%n", tag, url.length() > 60 ? url.substring(0, 57) + "..." : url,
          queues, perSecond);
      return perSecond;
    } finally {
      qs.forEach(RedisJobQueue::close);
    }
  }

  private interface Part {
    void run(int index);
  }

  private static void parallel(int n, Part part) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      new Thread(() -> {
        try {
          part.run(index);
        } finally {
          done.countDown();
        }
      }).start();
    }
    done.await();
  }
}
