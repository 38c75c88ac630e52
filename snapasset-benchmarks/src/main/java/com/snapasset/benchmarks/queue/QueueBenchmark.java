package com.snapasset.benchmarks.queue;

import com.snapasset.redis.RedisTestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * No-op job throughput and add→completed latency of SnapAsset's Redis queue with the engine's
 * production worker, side by side with BullMQ's {@code Queue} and {@code Worker} on the same
 * redis-server in the same run. Start it through {@code scripts/bullmq-compare.sh}, which installs
 * BullMQ into a scratch folder; without {@code --bullmq} only our side runs.
 *
 * <p>Each pass runs {@code --rounds} rounds, alternating ours and BullMQ's, and each row keeps
 * each side's best round. Two passes by default: {@code quiet} (the machine as it is) and {@code
 * loaded} (one busy-loop process pinned to the last CPU, so both sides have one core fewer).
 *
 * <pre>
 * QueueBenchmark [--bullmq path/to/bullmq-bench.mjs] [--node node] [--redis-url redis://...]
 *                [--rounds 3] [--passes quiet,loaded] [--scale 1.0] [--port-rows true]
 * </pre>
 */
public final class QueueBenchmark {
  private static final Pattern NUMBER = Pattern.compile("\"([a-z0-9_]+)\"\\s*:\\s*([0-9.eE+-]+)");
  private static final Pattern INDICATOR = Pattern.compile("\"([a-z0-9_]+/[a-z0-9_]+)\"\\s*:\\s*([0-9.eE+-]+)");
  private static final List<String> METRICS =
      List.of("ctx_vol", "ctx_invol", "cpu_us", "redis_cpu_us", "redis_ctx", "redis_cmds", "scripts");
  private static final Map<String, String> LABELS = new LinkedHashMap<>();

  static {
    LABELS.put("add_sequential_per_s", "add one by one (jobs/s)");
    LABELS.put("add_concurrent_per_s", "add, 32 in flight (jobs/s)");
    LABELS.put("add_concurrent_threads_per_s", "add, 32 blocking threads (jobs/s)");
    LABELS.put("process_c1_per_s", "process c1, worker (jobs/s)");
    LABELS.put("process_c10_per_s", "process c10, worker (jobs/s)");
    LABELS.put("process_c50_per_s", "process c50, worker (jobs/s)");
    LABELS.put("latency_p50_ms", "add->completed p50 (ms)");
    LABELS.put("latency_p99_ms", "add->completed p99 (ms)");
    LABELS.put("port_process_c1_per_s", "port loop c1 (jobs/s) *");
    LABELS.put("port_process_c10_per_s", "port loop c10 (jobs/s) *");
    LABELS.put("port_process_c50_per_s", "port loop c50 (jobs/s) *");
  }

  /**
   * Rows of ours measured against another row of BullMQ's: BullMQ has one way to add 32 at once
   * (32 promises in flight on one event loop), which our in-flight row mirrors with {@code
   * addAsync}; the blocking-threads row is kept beside it against the same BullMQ figure.
   */
  private static final Map<String, String> COUNTERPART = Map.of("add_concurrent_threads_per_s", "add_concurrent_per_s");

  private QueueBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    Workload workload = Workload.standard().scaled(Double.parseDouble(opts.getOrDefault("--scale", "1")));
    int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "3"));
    boolean portRows = Boolean.parseBoolean(opts.getOrDefault("--port-rows", "false"));
    List<String> passes = List.of(opts.getOrDefault("--passes", "quiet,loaded").split(","));
    for (String pass : passes) {
      if (!pass.equals("quiet") && !pass.equals("loaded")) {
        throw new IllegalArgumentException("--passes takes quiet and/or loaded, comma-separated; got " + pass);
      }
    }
    String script = opts.get("--bullmq");
    RedisTestServer server = null;
    String url = opts.get("--redis-url");
    if (url == null) {
      server = RedisTestServer.start();
      url = server.url();
    }
    Map<String, Map<String, Double>[]> results = new LinkedHashMap<>();
    try {
      System.out.println("redis-server: " + (server != null ? server.binaryPath() : url)
          + "   workload: " + workload.toJson());
      System.out.println("cores: " + Runtime.getRuntime().availableProcessors()
          + "   java: " + System.getProperty("java.version") + "   load average before: " + loadAverage());

      SnapAssetQueueRunner ours = new SnapAssetQueueRunner(url);
      ours.run(Workload.warmUp(), false);
      for (String pass : passes) {
        try (Spinner spinner = pass.equals("loaded") ? Spinner.start() : null) {
          System.out.println();
          System.out.println("== pass " + pass + (spinner == null ? "" : ": " + spinner.describe())
              + "   load average: " + loadAverage());
          @SuppressWarnings("unchecked")
          Map<String, Double>[] best = new Map[] {new LinkedHashMap<>(), new LinkedHashMap<>()};
          @SuppressWarnings("unchecked")
          Map<String, List<Double>>[] perRound = new Map[] {new LinkedHashMap<>(), new LinkedHashMap<>()};
          Map<String, double[]> spread = new LinkedHashMap<>();
          @SuppressWarnings("unchecked")
          Map<String, List<Double>>[] indicators = new Map[] {new LinkedHashMap<>(), new LinkedHashMap<>()};
          for (int round = 1; round <= rounds; round++) {
            Map<String, Double> m = ours.run(workload, portRows);
            System.out.println("round " + round + " SnapAsset: " + m);
            keepBest(best[0], m);
            m.forEach((row, v) -> perRound[0].computeIfAbsent(row, x -> new ArrayList<>()).add(v));
            ours.lastIndicators().forEach((k, v) -> indicators[0].computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            if (script != null) {
              Map<String, Double> t = runBullMq(opts.getOrDefault("--node", "node"), Path.of(script), url, workload,
                  (k, v) -> indicators[1].computeIfAbsent(k, x -> new ArrayList<>()).add(v));
              System.out.println("round " + round + " BullMQ:    " + t);
              keepBest(best[1], t);
              t.forEach((row, v) -> perRound[1].computeIfAbsent(row, x -> new ArrayList<>()).add(v));
              m.forEach((row, mine) -> {
                Double r = ratio(row, mine, t.get(counterpart(row)));
                if (r != null) {
                  spread.merge(row, new double[] {r, r},
                      (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                }
              });
            }
          }
          results.put(pass, best);
          print(pass, best[0], best[1], spread);
          printRounds(pass, perRound[0], perRound[1]);
          printIndicators(pass, indicators[0], indicators[1]);
        }
      }
      if (results.size() > 1) {
        printSummary(results);
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /** One process spinning on the last CPU (pinned with taskset when there is one). */
  private static final class Spinner implements AutoCloseable {
    private final Process process;
    private final String description;

    private Spinner(Process process, String description) {
      this.process = process;
      this.description = description;
    }

    static Spinner start() throws IOException {
      int cpu = Runtime.getRuntime().availableProcessors() - 1;
      List<String> loop = List.of("sh", "-c", "while :; do :; done");
      List<String> command = new ArrayList<>();
      boolean pinned = Files.isExecutable(Path.of("/usr/bin/taskset"));
      if (pinned) {
        command.addAll(List.of("/usr/bin/taskset", "-c", Integer.toString(cpu)));
      }
      command.addAll(loop);
      Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      return new Spinner(p, "busy loop `sh -c 'while :; do :; done'` (pid " + p.pid() + ")"
          + (pinned ? " pinned to CPU " + cpu : " (not pinned: no taskset)"));
    }

    String describe() {
      return description;
    }

    @Override
    public void close() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private static Map<String, Double> runBullMq(String node, Path script, String url, Workload w,
      java.util.function.BiConsumer<String, Double> indicators) throws IOException, InterruptedException {
    if (!Files.isRegularFile(script)) {
      throw new IllegalArgumentException("no BullMQ script at " + script);
    }
    Process p = new ProcessBuilder(node, script.getFileName().toString(), url, w.toJson())
        .directory(script.toAbsolutePath().getParent().toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT) // its version line and progress
        .start();
    String lastLine = "";
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("INDICATORS ")) {
          Matcher m = INDICATOR.matcher(line);
          while (m.find()) {
            indicators.accept(m.group(1), Double.parseDouble(m.group(2)));
          }
        } else {
          lastLine = line;
        }
      }
    }
    int exit = p.waitFor();
    if (exit != 0) {
      throw new IllegalStateException("BullMQ benchmark exited with " + exit);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    Matcher m = NUMBER.matcher(lastLine);
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return out;
  }

  private static String counterpart(String row) {
    return COUNTERPART.getOrDefault(row, row);
  }

  private static void keepBest(Map<String, Double> best, Map<String, Double> round) {
    round.forEach((row, value) -> best.merge(row, value,
        row.startsWith("latency") ? Math::min : Math::max));
  }

  /** SnapAsset / BullMQ for throughput, BullMQ / SnapAsset for latency: above 1 favours SnapAsset. */
  private static @Nullable Double ratio(String row, Double mine, @Nullable Double theirs) {
    if (mine == null || theirs == null || mine == 0 || theirs == 0) {
      return null;
    }
    return row.startsWith("latency") ? theirs / mine : mine / theirs;
  }

  private static void print(String pass, Map<String, Double> mine, Map<String, Double> theirs,
      Map<String, double[]> spread) {
    System.out.println();
    System.out.printf("pass %s: best of each side's rounds; per-round ratios (round i vs round i) from-to%n", pass);
    System.out.printf("%-34s %12s %12s %9s %15s%n", "row", "SnapAsset", "BullMQ", "ratio", "per round");
    for (Map.Entry<String, Double> e : mine.entrySet()) {
      Double other = theirs.get(counterpart(e.getKey()));
      Double r = ratio(e.getKey(), e.getValue(), other);
      double[] range = spread.get(e.getKey());
      System.out.printf("%-34s %12.2f %12s %9s %15s%n", LABELS.getOrDefault(e.getKey(), e.getKey()), e.getValue(),
          other == null ? "-" : String.format("%.2f", other), r == null ? "-" : String.format("%.2f", r),
          range == null ? "-" : String.format("%.2f-%.2f", range[0], range[1]));
    }
    System.out.println("ratio above 1 = SnapAsset better: SnapAsset/BullMQ for jobs/s, BullMQ/SnapAsset for ms."
        + "\nadd, 32 in flight: one thread keeps 32 RedisJobQueue.addAsync futures outstanding (the next add of a"
        + " chain when its last completes), as BullMQ's side keeps 32 queue.add promises in flight on its one"
        + " thread.\nadd, 32 blocking threads: 32 threads each calling the blocking add, against the same BullMQ figure."
        + (mine.keySet().stream().anyMatch(k -> k.startsWith("port_"))
            ? "\n* port loop: a bare claim/complete loop over the JobQueue port, not the worker; no BullMQ counterpart" : ""));
  }

  /**
   * Each side's figure in each round, side by side: which side moved when a row's per-round ratio
   * spread is wide (the best-of-rounds table hides it).
   */
  private static void printRounds(String pass, Map<String, List<Double>> mine, Map<String, List<Double>> theirs) {
    System.out.println();
    System.out.printf("pass %s: each side's figure per round (round 1, 2, ...), SnapAsset | BullMQ%n", pass);
    mine.forEach((row, values) -> {
      StringBuilder line = new StringBuilder(String.format("%-34s", LABELS.getOrDefault(row, row)));
      values.forEach(v -> line.append(String.format(" %9.2f", v)));
      List<Double> other = theirs.get(counterpart(row));
      line.append("  |");
      if (other == null) {
        line.append(" -");
      } else {
        other.forEach(v -> line.append(String.format(" %9.2f", v)));
      }
      System.out.println(line);
    });
  }

  /**
   * Per-job indicators that machine load hardly moves (median of the pass's rounds): where a
   * side spends its time, comparable between a quiet and a busy machine. See {@link Indicators}.
   */
  private static void printIndicators(String pass, Map<String, List<Double>> mine, Map<String, List<Double>> theirs) {
    if (mine.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.printf("pass %s: per job, median of rounds (ctx = context switches of the process's threads;"
        + " vol = it blocked and was woken)%n", pass);
    System.out.printf("%-34s %-9s %8s %9s %8s %9s %9s %8s %8s%n", "row", "side", "ctx vol", "ctx invol",
        "cpu us", "redis us", "redis ctx", "cmds", "scripts");
    List<String> rows = new ArrayList<>();
    for (String key : mine.keySet()) {
      String row = key.substring(0, key.indexOf('/'));
      if (!rows.contains(row)) {
        rows.add(row);
      }
    }
    for (String row : rows) {
      for (int side = 0; side < 2; side++) {
        Map<String, List<Double>> m = side == 0 ? mine : theirs;
        if (side == 1 && m.isEmpty()) {
          continue;
        }
        StringBuilder line = new StringBuilder(String.format("%-34s %-9s",
            side == 0 ? LABELS.getOrDefault(row, row + " (add->completed)") : "", side == 0 ? "SnapAsset" : "BullMQ"));
        int[] widths = {8, 9, 8, 9, 9, 8, 8};
        for (int i = 0; i < METRICS.size(); i++) {
          List<Double> values = m.get(row + "/" + METRICS.get(i));
          line.append(' ').append(String.format("%" + widths[i] + "s",
              values == null ? "-" : String.format("%.2f", median(values))));
        }
        System.out.println(line);
      }
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static void printSummary(Map<String, Map<String, Double>[]> results) {
    System.out.println();
    System.out.println("summary: SnapAsset vs BullMQ ratio per pass, best of each side's rounds (above 1 = SnapAsset better)");
    StringBuilder header = new StringBuilder(String.format("%-34s", "row"));
    results.keySet().forEach(p -> header.append(String.format(" %9s", p)));
    System.out.println(header);
    for (String row : results.values().iterator().next()[0].keySet()) {
      StringBuilder line = new StringBuilder(String.format("%-34s", LABELS.getOrDefault(row, row)));
      for (Map<String, Double>[] r : results.values()) {
        Double x = ratio(row, r[0].get(row), r[1].get(counterpart(row)));
        line.append(String.format(" %9s", x == null ? "-" : String.format("%.2f", x)));
      }
      System.out.println(line);
    }
    System.out.println("load average now: " + loadAverage() + " on " + Runtime.getRuntime().availableProcessors()
        + " cores (above the core count, other processes shared the machine even in the quiet pass)");
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> rest = new ArrayList<>(List.of(args));
    for (int i = 0; i + 1 < rest.size(); i += 2) {
      out.put(rest.get(i), rest.get(i + 1));
    }
    return out;
  }
}
