package com.snapasset.benchmarks.queue;

import com.snapasset.redis.RedisTestServer;
import java.util.Map;

/**
 * Only the "process cN, worker" rows, repeated, each round's rate and per-job indicators on one
 * line: for profiling one row (jstack, perf, -Dindicators.threads=true) without the other rows'
 * noise in between.
 *
 * <pre>
 * ProcessProfile [concurrency,...=10,50] [rounds=10] [jobs=15000] [redis-url (else one of its own)]
 * </pre>
 */
final class ProcessProfile {
  private ProcessProfile() {}

  public static void main(String[] args) throws Exception {
    String[] levels = (args.length > 0 ? args[0] : "10,50").split(",");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int jobs = args.length > 2 ? Integer.parseInt(args[2]) : 15_000;
    try (RedisTestServer server = args.length > 3 ? null : RedisTestServer.start()) {
      SnapAssetQueueRunner ours = new SnapAssetQueueRunner(server != null ? server.url() : args[3]);
      ours.run(Workload.warmUp(), false);
      for (int round = 1; round <= rounds; round++) {
        for (String level : levels) {
          int c = Integer.parseInt(level.trim());
          double rate = ours.processWithWorker(jobs, c);
          Map<String, Double> ind = ours.lastIndicators();
          StringBuilder line = new StringBuilder(String.format("round %2d c%-3d %9.0f jobs/s", round, c, rate));
          ind.entrySet().removeIf(e -> !e.getKey().startsWith("process_c" + c + "_"));
          ind.forEach((k, v) -> line.append(String.format("  %s=%.2f", k.substring(k.indexOf('/') + 1), v)));
          System.out.println(line);
        }
      }
    }
  }
}
