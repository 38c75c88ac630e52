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

/**
 * No-op job throughput and add→completed latency of {@code RedisJobQueue}, side by side with BullMQ
 * on the same redis-server in the same run. Start it through {@code scripts/bullmq-compare.sh},
 * which installs BullMQ into a scratch folder; without {@code --bullmq} only our side runs.
 *
 * <p>The machine is shared and noisy, so the two sides alternate: {@code --rounds} times ours, then
 * BullMQ's, and each row reports each side's best round.
 *
 * <pre>
 * QueueBenchmark [--bullmq path/to/bullmq-bench.mjs] [--node node] [--redis-url redis://...] [--rounds 2]
 * </pre>
 */
public final class QueueBenchmark {
  private static final Pattern NUMBER = Pattern.compile("\"([a-z0-9_]+)\"\\s*:\\s*([0-9.eE+-]+)");

  private QueueBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    Workload workload = Workload.standard();
    RedisTestServer server = null;
    String url = opts.get("--redis-url");
    if (url == null) {
      server = RedisTestServer.start();
      url = server.url();
    }
    try {
      System.out.println("redis-server: " + (server != null ? server.binaryPath() : url)
          + "   workload: " + workload.toJson());
      System.out.println("cores: " + Runtime.getRuntime().availableProcessors()
          + "   java: " + System.getProperty("java.version"));

      int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "2"));
      SnapAssetQueueRunner ours = new SnapAssetQueueRunner(url);
      ours.run(Workload.warmUp());
      Map<String, Double> mine = new LinkedHashMap<>();
      Map<String, Double> theirs = new LinkedHashMap<>();
      String script = opts.get("--bullmq");
      for (int round = 1; round <= rounds; round++) {
        Map<String, Double> m = ours.run(workload);
        System.out.println("round " + round + " SnapAsset: " + m);
        keepBest(mine, m);
        if (script != null) {
          Map<String, Double> t = runBullMq(opts.getOrDefault("--node", "node"), Path.of(script), url, workload);
          System.out.println("round " + round + " BullMQ:    " + t);
          keepBest(theirs, t);
        }
      }
      print(mine, theirs);
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static Map<String, Double> runBullMq(String node, Path script, String url, Workload w)
      throws IOException, InterruptedException {
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
        lastLine = line;
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

  private static void keepBest(Map<String, Double> best, Map<String, Double> round) {
    round.forEach((row, value) -> best.merge(row, value,
        row.startsWith("latency") ? Math::min : Math::max));
  }

  private static void print(Map<String, Double> mine, Map<String, Double> theirs) {
    System.out.println();
    System.out.printf("%-28s %14s %14s %10s%n", "row", "SnapAsset", "BullMQ", "ratio");
    for (Map.Entry<String, Double> e : mine.entrySet()) {
      Double other = theirs.get(e.getKey());
      String ratio = other == null || other == 0 ? "-" : String.format("%.2f", e.getValue() / other);
      System.out.printf("%-28s %14.2f %14s %10s%n", e.getKey(), e.getValue(),
          other == null ? "-" : String.format("%.2f", other), ratio);
    }
    System.out.println("best of each side's rounds; ratio = SnapAsset / BullMQ:"
        + " above 1 is better for *_per_s, below 1 is better for latency_*");
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
