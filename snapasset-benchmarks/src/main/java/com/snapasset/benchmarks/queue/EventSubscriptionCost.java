package com.snapasset.benchmarks.queue;

import com.snapasset.JobId;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.internal.NoOpWorkers;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.redis.RedisTestServer;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.Subscription;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Jedis;

/**
 * What a worker JVM pays per job for hearing the Redis queue's all-events channel, which every
 * {@code AssetGenerator} subscribed to at build time before the subscription became lazy (issue 15).
 * Runs the engine's production worker ({@link NoOpWorkers}, no-op jobs, as the queue benchmark) on a
 * fresh queue per round, in three modes, interleaved:
 *
 * <ul>
 *   <li>{@code lazy}: nothing in the JVM listens: a worker-only generator now (the worker holds its
 *       cancellation subscription only);
 *   <li>{@code eager}: one all-events subscription whose listener ignores the events: what the
 *       generator's relay was with no {@code JobListener} (it decoded every message and switched on
 *       its type; completions were not parsed without a listener);
 *   <li>{@code idle}: a subscription opened and closed before the jobs run (a listener or an await
 *       that came and went): the queue unsubscribes its channel when the last listener leaves, so
 *       this should cost what {@code lazy} does.
 * </ul>
 *
 * The order of the modes rotates from round to round. Jobs are added before the measurement starts, so the figures hold the worker's own events
 * ({@code ACTIVE}, {@code COMPLETED}, progress if asked); in production the producers' {@code ADDED}
 * events come on top. CPU is this JVM's process CPU, of which its pub/sub threads' (per-thread CPU
 * time, exact where the process figure is noisy), and redis-server's ({@code INFO cpu}) between
 * the worker's start and the last completion; the JVM reports process CPU in 10 ms ticks, so a
 * round needs thousands of jobs (10,000 by default: 1 µs per job).
 *
 * <pre>
 * EventSubscriptionCost [--jobs 10000] [--rounds 5] [--concurrency 10] [--progress 0] [--redis-url redis://...]
 * </pre>
 */
public final class EventSubscriptionCost {
  private static final List<String> MODES = List.of("lazy", "eager", "idle");

  private EventSubscriptionCost() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    int jobs = Integer.parseInt(opts.getOrDefault("--jobs", "10000"));
    int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "5"));
    int concurrency = Integer.parseInt(opts.getOrDefault("--concurrency", "10"));
    int progress = Integer.parseInt(opts.getOrDefault("--progress", "0"));
    RedisTestServer server = null;
    String url = opts.get("--redis-url");
    if (url == null) {
      server = RedisTestServer.start();
      url = server.url();
    }
    try (Jedis admin = new Jedis(URI.create(url))) {
      EventSubscriptionCost.run(url, admin, jobs, rounds, concurrency, progress);
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static void run(String url, Jedis admin, int jobs, int rounds, int concurrency, int progress)
      throws Exception {
    System.out.printf(Locale.ROOT, "%d no-op jobs per round, worker concurrency %d, %d progress reports per job,"
        + " %d rounds per mode (interleaved) after two warm-up rounds each; %d CPUs, Java %s%n",
        jobs, concurrency, progress, rounds, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    Map<String, List<Round>> results = new LinkedHashMap<>();
    MODES.forEach(m -> results.put(m, new ArrayList<>()));
    int queueNumber = 0;
    int warmUps = 2; // JIT: the first full rounds of each mode are discarded
    for (int r = -warmUps; r < rounds; r++) {
      for (int m = 0; m < MODES.size(); m++) {
        String mode = MODES.get(Math.floorMod(r + m, MODES.size())); // each mode takes each slot in turn
        Round round = round(url, admin, "evcost-" + System.currentTimeMillis() + "-" + (++queueNumber), mode,
            jobs, concurrency, progress);
        if (r >= 0) {
          results.get(mode).add(round);
          System.out.printf(Locale.ROOT, "round %d %-5s  %6.0f jobs/s  JVM %6.1f µs CPU/job (event threads %5.2f)"
              + "  redis %6.1f µs CPU/job  events heard %.2f/job%n", r + 1, mode, round.jobsPerSecond,
              round.jvmMicrosPerJob, round.eventThreadMicrosPerJob, round.redisMicrosPerJob, round.eventsPerJob);
        }
      }
    }
    System.out.println();
    System.out.println("median (min-max) over rounds    JVM µs CPU/job        of which event threads   redis µs CPU/job");
    for (String mode : MODES) {
      List<Round> list = results.get(mode);
      System.out.printf(Locale.ROOT, "%-30s %s  %s  %s%n", mode,
          spread(list.stream().mapToDouble(x -> x.jvmMicrosPerJob).toArray()),
          spread(list.stream().mapToDouble(x -> x.eventThreadMicrosPerJob).toArray()),
          spread(list.stream().mapToDouble(x -> x.redisMicrosPerJob).toArray()));
    }
    System.out.println();
    System.out.println("ratios per round pair, median (min-max)      JVM CPU/job           redis CPU/job");
    System.out.println("(the event threads' share is not a ratio: it is ~0 without a subscription)");
    for (String mode : List.of("eager", "idle")) {
      double[] jvm = new double[rounds];
      double[] redis = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        Round lazy = results.get("lazy").get(i);
        Round other = results.get(mode).get(i);
        jvm[i] = other.jvmMicrosPerJob / lazy.jvmMicrosPerJob;
        redis[i] = other.redisMicrosPerJob / lazy.redisMicrosPerJob;
      }
      System.out.printf(Locale.ROOT, "%-44s %s  %s%n", mode + " / lazy", spread(jvm), spread(redis));
    }
  }

  private record Round(double jobsPerSecond, double jvmMicrosPerJob, double eventThreadMicrosPerJob,
      double redisMicrosPerJob, double eventsPerJob) {}

  private static Round round(String url, Jedis admin, String queueName, String mode, int jobs, int concurrency,
      int progress) throws Exception {
    try (RedisJobQueue redisQueue = RedisJobQueue.builder().url(url).queueName(queueName).maxConnections(40).build();
        CountingQueue queue = new CountingQueue(redisQueue)) {
      for (int i = 0; i < jobs; i++) {
        queue.add(new NewJob(JobId.of("j" + i), "{}", 5, 1, -1, -1));
      }
      LongAdder heard = new LongAdder();
      @Nullable Subscription subscription = switch (mode) {
        case "eager" -> redisQueue.subscribe(e -> heard.increment());
        case "idle" -> {
          redisQueue.subscribe(e -> { }).close();
          yield null;
        }
        default -> null;
      };
      CountDownLatch done = new CountDownLatch(jobs);
      queue.onComplete(done::countDown);
      long cpu0 = processCpuNanos();
      long events0 = eventThreadCpuNanos(queueName);
      double redis0 = redisCpuSeconds(admin);
      long t0 = System.nanoTime();
      try (Worker worker = NoOpWorkers.start(queue, WorkerOptions.builder().concurrency(concurrency).build(),
          progress)) {
        if (!done.await(5, TimeUnit.MINUTES)) {
          throw new IllegalStateException("jobs left unprocessed: " + done.getCount());
        }
        long wall = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        long eventThreads = eventThreadCpuNanos(queueName) - events0;
        double redis = redisCpuSeconds(admin) - redis0;
        return new Round(jobs / (wall / 1e9), cpu / 1e3 / jobs, eventThreads / 1e3 / jobs, redis * 1e6 / jobs,
            heard.sum() / (double) jobs);
      } finally {
        if (subscription != null) {
          subscription.close();
        }
      }
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * CPU of the queue's pub/sub threads (the all-events one, when subscribed, and the worker's
   * cancellation one), read per thread in nanoseconds: the part of the process CPU the events cost
   * on the receiving side, without the noise of the rest of the process.
   */
  private static long eventThreadCpuNanos(String queueName) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("snapasset-redis-events-" + queueName)) {
        long ns = threads.getThreadCpuTime(t.getId());
        sum += Math.max(ns, 0);
      }
    }
    return sum;
  }

  /** used_cpu_sys + used_cpu_user of the whole server (main thread and I/O threads). */
  private static double redisCpuSeconds(Jedis admin) {
    double sum = 0;
    for (String line : admin.info("cpu").split("\r?\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        sum += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return sum;
  }

  private static String spread(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return String.format(Locale.ROOT, "%7.2f (%.2f-%.2f)", median, v[0], v[v.length - 1]);
  }
}
