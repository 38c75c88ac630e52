package com.snapasset.benchmarks.queue;

import com.snapasset.redis.RedisTestServer;
import java.util.Map;

/**
 * The "add, 32 blocking threads" row two ways, alternating in one process: each thread calling
 * the blocking {@code add}, or {@code addAsync(job).join()} (through the dispatcher, two batches
 * in flight). Prints adds/s and per-add CPU of this process and of redis-server per round.
 * {@code java ... BlockingAddProbe [rounds] [jobs] [threads]}, with the classpath that
 * {@code scripts/build-classpath.sh} sets as {@code CP} (the module's classes and its dependencies).
 *
 * <p>Issue 15 (2 shared cores, load 0.4-2): {@code join} beat the blocking {@code add} by about
 * 15-30% in warm rounds, yet the blocking row stays CPU-bound, not idle-bound: each add costs one
 * thread wake-up (about 1.05 voluntary context switches per add either way) and 17-35 us of JVM
 * CPU beside Redis's 15-25 us, about both cores' worth at 40k adds/s; the dispatcher also sends
 * smaller combined calls (0.065-0.085 script calls per add against 0.036).
 */
final class BlockingAddProbe {
  private BlockingAddProbe() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int callers = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    try (RedisTestServer server = RedisTestServer.start()) {
      SnapAssetQueueRunner runner = new SnapAssetQueueRunner(server.url());
      for (int r = 0; r < rounds; r++) {
        for (boolean join : new boolean[] {false, true}) {
          double rate = runner.addFromThreads(n, callers, join);
          String row = join ? "add_threads_join_per_s/" : "add_concurrent_threads_per_s/";
          Map<String, Double> ind = runner.lastIndicators();
          System.out.printf("round %d %-4s %8.0f adds/s  cpu %.1f us  redis_cpu %.1f us  ctx_vol %.2f  scripts %.3f%n",
              r, join ? "join" : "add", rate, ind.get(row + "cpu_us"), ind.get(row + "redis_cpu_us"),
              ind.get(row + "ctx_vol"), ind.get(row + "scripts"));
        }
      }
    }
  }
}
