package com.snapasset.benchmarks.queue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * Per-job figures that do not depend on how busy the machine is, unlike jobs/s: context switches
 * and CPU time of this process and of redis-server, and Redis commands and script calls. The
 * BullMQ script measures its side the same way (its {@code indicators} function), so the two
 * columns compare like for like.
 *
 * <p>Context switches are summed over the threads in {@code /proc/<pid>/task/*}/status, by thread
 * id: a thread that ends between the two snapshots loses its count, so a row takes its end
 * snapshot before closing its worker. Voluntary switches are (nearly all) thread wake-ups: a
 * thread that blocks and is woken again. CPU time of this process is {@code
 * getProcessCpuTime} (every thread, dead ones included); Redis's is {@code INFO cpu}.
 */
final class Indicators {
  private final Jedis redis;
  private final long redisPid;

  Indicators(String url) {
    this.redis = new Jedis(java.net.URI.create(url));
    this.redisPid = Long.parseLong(info("server").get("process_id"));
  }

  /** What a row measures between {@link #start} and {@link Snapshot#stop}. */
  Snapshot start() {
    return new Snapshot();
  }

  final class Snapshot {
    private final Map<Long, long[]> ownSwitches = switches(ProcessHandle.current().pid());
    private final Map<Long, long[]> redisSwitches = switches(redisPid);
    private final long ownCpu = processCpuNanos();
    private final Map<String, String> redisCpu = info("cpu");
    private final Map<String, String> redisStats = info("stats");
    private final Map<String, String> commands = info("commandstats");

    /**
     * Per-job deltas since this snapshot: {@code ctx_vol}, {@code ctx_invol} (this process),
     * {@code cpu_us}, {@code redis_cpu_us}, {@code redis_ctx}, {@code redis_cmds}, {@code scripts}.
     */
    Map<String, Double> stop(int jobs) {
      Map<Long, long[]> ownNow = switches(ProcessHandle.current().pid());
      long[] own = delta(ownSwitches, ownNow);
      if (Boolean.getBoolean("indicators.threads")) {
        printThreads(ownSwitches, ownNow, jobs);
      }
      long cpu = processCpuNanos() - ownCpu;
      long[] theirs = delta(redisSwitches, switches(redisPid));
      Map<String, String> cpuNow = info("cpu");
      Map<String, String> statsNow = info("stats");
      Map<String, String> commandsNow = info("commandstats");
      double redisCpuSeconds = seconds(cpuNow) - seconds(redisCpu);
      Map<String, Double> out = new LinkedHashMap<>();
      out.put("ctx_vol", (double) own[0] / jobs);
      out.put("ctx_invol", (double) own[1] / jobs);
      out.put("cpu_us", cpu / 1e3 / jobs);
      out.put("redis_cpu_us", redisCpuSeconds * 1e6 / jobs);
      out.put("redis_ctx", (double) (theirs[0] + theirs[1]) / jobs);
      // INFO itself is a command: the three calls of the first snapshot are not the workload's.
      out.put("redis_cmds", (number(statsNow, "total_commands_processed")
          - number(redisStats, "total_commands_processed") - 3) / jobs);
      out.put("scripts", (calls(commandsNow, "evalsha") + calls(commandsNow, "eval")
          - calls(commands, "evalsha") - calls(commands, "eval")) / jobs);
      return out;
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double seconds(Map<String, String> cpu) {
    return number(cpu, "used_cpu_user") + number(cpu, "used_cpu_sys");
  }

  private static double number(Map<String, String> info, String key) {
    String v = info.get(key);
    return v == null ? 0 : Double.parseDouble(v);
  }

  /** {@code cmdstat_evalsha:calls=12,usec=...} → 12. */
  private static double calls(Map<String, String> commandstats, String command) {
    String v = commandstats.get("cmdstat_" + command);
    if (v == null) {
      return 0;
    }
    for (String part : v.split(",")) {
      if (part.startsWith("calls=")) {
        return Double.parseDouble(part.substring(6));
      }
    }
    return 0;
  }

  private synchronized Map<String, String> info(String section) {
    Map<String, String> out = new HashMap<>();
    for (String line : redis.info(section).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        out.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  /** Thread id → {voluntary, nonvoluntary} context switches, of every live thread of {@code pid}. */
  private static Map<Long, long[]> switches(long pid) {
    Map<Long, long[]> out = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        long[] counts = new long[2];
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              counts[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
              counts[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        out.put(Long.parseLong(task.getFileName().toString()), counts);
      }
    } catch (IOException e) {
      // no /proc (not Linux): the indicators read zero
    }
    return out;
  }

  /** With -Dindicators.threads=true: which threads blocked and were woken, per job, by thread name. */
  private static void printThreads(Map<Long, long[]> before, Map<Long, long[]> after, int jobs) {
    Map<String, long[]> byName = new java.util.TreeMap<>();
    after.forEach((tid, now) -> {
      long[] then = before.getOrDefault(tid, new long[2]);
      String name;
      try {
        name = Files.readString(Path.of("/proc/self/task/" + tid + "/comm")).trim().replaceAll("[0-9]+$", "#");
      } catch (IOException e) {
        name = "?";
      }
      long[] sum = byName.computeIfAbsent(name, n -> new long[3]);
      sum[0] += now[0] - then[0];
      sum[1] += now[1] - then[1];
      sum[2]++;
    });
    StringBuilder out = new StringBuilder("  threads (voluntary/nonvoluntary switches per job):");
    byName.forEach((name, s) -> {
      if (s[0] + s[1] >= jobs / 100) {
        out.append(String.format(" %s x%d %.2f/%.2f;", name, s[2], (double) s[0] / jobs, (double) s[1] / jobs));
      }
    });
    System.out.println(out);
  }

  private static long[] delta(Map<Long, long[]> before, Map<Long, long[]> after) {
    long[] d = new long[2];
    after.forEach((tid, now) -> {
      long[] then = before.getOrDefault(tid, new long[2]);
      d[0] += now[0] - then[0];
      d[1] += now[1] - then[1];
    });
    return d;
  }
}
