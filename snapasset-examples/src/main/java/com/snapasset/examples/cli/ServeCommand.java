package com.snapasset.examples.cli;

import com.snapasset.ConfigurationException;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.examples.metrics.AlertMonitor;
import com.snapasset.examples.metrics.RequestStats;
import com.snapasset.examples.metrics.SnapAssetMetrics;
import com.snapasset.examples.server.ApiServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code snapasset serve}: the HTTP API (and, unless told otherwise, a worker in the same process),
 * with Prometheus metrics at {@code /metrics} and the guide's alert rules.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the SnapAsset HTTP API with a page to try it at /, metrics at /metrics and, by default, a worker.",
        "With nothing configured: in-memory queue, files under --output served at /files/, placeholder images."})
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BackendOptions backend = new BackendOptions();

  @Option(names = "--host", defaultValue = "${env:HOST:-0.0.0.0}", description = "Address to bind (env HOST, default: ${DEFAULT-VALUE}).")
  String host = "0.0.0.0";

  @Option(names = {"-p", "--port"}, defaultValue = "${env:PORT:-3000}", description = "Port (env PORT, default: ${DEFAULT-VALUE}).")
  int port = 3000;

  @Option(names = "--public-url", defaultValue = "${env:PUBLIC_URL}", paramLabel = "URL",
      description = "The URL clients reach this server at, for file links (env PUBLIC_URL; default http://localhost:PORT).")
  @Nullable String publicUrl;

  @Option(names = "--no-worker", description = "Serve only; needs a shared queue (REDIS_URL) that workers elsewhere process.")
  boolean noWorker;

  @Option(names = {"-c", "--concurrency"}, defaultValue = "${env:WORKER_CONCURRENCY:-2}",
      description = "Jobs the in-process worker runs at once (env WORKER_CONCURRENCY, default: ${DEFAULT-VALUE}).")
  int concurrency = 2;

  @Option(names = "--api-keys", defaultValue = "${env:SNAPASSET_API_KEYS}", paramLabel = "KEY=USER,...",
      description = "Turn on API-key authentication: each key acts for its user (env SNAPASSET_API_KEYS).")
  @Nullable String apiKeys;

  @Option(names = "--admin-key", defaultValue = "${env:SNAPASSET_ADMIN_KEY}", paramLabel = "KEY",
      description = "Key for the admin routes and every user's jobs (env SNAPASSET_ADMIN_KEY).")
  @Nullable String adminKey;

  @Option(names = "--jobs-per-hour", defaultValue = "${env:JOBS_PER_HOUR:-20}",
      description = "Jobs a user may create per hour; 0 = unlimited (env JOBS_PER_HOUR, default: ${DEFAULT-VALUE}).")
  int jobsPerHour = 20;

  @Option(names = "--max-pending-jobs", defaultValue = "${env:MAX_PENDING_JOBS:-10}",
      description = "Unfinished jobs one user may have at once; more get 429 JOB_LIMIT_EXCEEDED (0: no cap; default: ${DEFAULT-VALUE}).")
  int maxPendingJobs = 10;

  @Option(names = "--critical-queue-depth", defaultValue = "${env:CRITICAL_QUEUE_DEPTH:-200}",
      description = "Refuse new jobs with 503 while this many wait; 0 = never (env CRITICAL_QUEUE_DEPTH, default: ${DEFAULT-VALUE}).")
  long criticalQueueDepth = 200;

  @Option(names = "--alert-interval", defaultValue = "${env:ALERT_INTERVAL:-PT1M}",
      description = "How often the alert rules are checked (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration alertInterval = Duration.ofMinutes(1);

  @Option(names = "--queue-backlog-alert", defaultValue = "100", description = "Alert when more jobs wait (default: ${DEFAULT-VALUE}).")
  long backlogAlert = 100;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile @Nullable ApiServer running;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> keys = parseKeys(apiKeys);
    if (noWorker && !present(backend.redisUrl)) {
      throw new ConfigurationException("--no-worker leaves the in-memory queue unprocessed: set REDIS_URL so"
          + " separate 'snapasset worker' processes can take the jobs, or drop --no-worker");
    }
    String base = publicUrl != null && !publicUrl.isBlank() ? publicUrl.replaceAll("/+$", "")
        : "http://localhost:" + port;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    List<AutoCloseable> resources = new ArrayList<>();
    try (JvmGcMetrics gc = new JvmGcMetrics(); Backend b = Backend.open(backend, base + "/files/")) {
      gc.bindTo(registry);
      SnapAssetMetrics metrics = SnapAssetMetrics.bind(b.generator, registry);
      resources.add(metrics);
      RequestStats requests = RequestStats.create(registry, Clock.systemUTC());
      AlertMonitor alerts = AlertMonitor.builder(AlertMonitor.Signals.of(b.generator, metrics, requests))
          .registry(registry).interval(alertInterval).queueBacklog(backlogAlert).build().start();
      resources.add(alerts);
      if (!noWorker) {
        Worker worker = b.generator.startWorker(WorkerOptions.builder().concurrency(concurrency).build());
        resources.add(worker);
      }
      ApiServer.Builder server = ApiServer.builder(b.generator)
          .host(host)
          .port(port)
          .jobRateLimit(jobsPerHour, Duration.ofHours(1))
          .criticalQueueDepth(criticalQueueDepth)
          .maxPendingJobsPerUser(maxPendingJobs)
          .prometheus(registry)
          .requestStats(requests)
          .alerts(alerts::active)
          .version(version());
      if (!keys.isEmpty()) {
        server.apiKeys(keys);
      }
      if (adminKey != null && !adminKey.isBlank()) {
        server.adminKey(adminKey);
      }
      if (b.localFiles != null) {
        server.localFiles(b.localFiles);
      }
      try (ApiServer api = server.build().start()) {
        running = api;
        err.printf("SnapAsset API on %s/ (provider %s, %s, %s)%n", base, b.generator.providerName(),
            noWorker ? "no worker" : "worker concurrency " + concurrency,
            keys.isEmpty() && adminKey == null ? "no authentication" : "API keys required");
        err.flush();
        Thread hook = new Thread(this::stopAndWaitForClose, "snapasset-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is exiting: the hook ran, which is why we are here
        }
      } finally {
        running = null;
        for (AutoCloseable r : resources) {
          try {
            r.close();
          } catch (Exception e) {
            err.println("closing " + r + " failed: " + e);
          }
        }
      }
    } finally {
      closed.countDown();
    }
    return 0;
  }

  /** Run by the shutdown hook: the JVM must not halt before active jobs finished or were handed back. */
  private void stopAndWaitForClose() {
    stop.countDown();
    try {
      closed.await(WorkerOptions.defaults().shutdownGrace().plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops a running {@link #call()}; for tests and embedding. */
  void stop() {
    stop.countDown();
  }

  /** The server while {@link #call()} runs. */
  @Nullable ApiServer server() {
    return running;
  }

  static Map<String, String> parseKeys(@Nullable String spec) {
    Map<String, String> keys = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return keys;
    }
    List<String> problems = new ArrayList<>();
    int n = 0;
    for (String pair : spec.split(",")) {
      n++;
      int eq = pair.indexOf('=');
      if (eq < 8 || eq == pair.length() - 1) {
        // never echo the entry: it holds a key
        problems.add("API key entry " + n + " is not KEY=USER with a key of 8+ characters");
      } else {
        keys.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return keys;
  }

  private static String version() {
    String v = ServeCommand.class.getPackage().getImplementationVersion();
    return v != null ? v : "development";
  }

  private static boolean present(@Nullable String s) {
    return s != null && !s.isBlank();
  }
}
