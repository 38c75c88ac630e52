package com.snapasset.examples.cli;

import com.snapasset.ConfigurationException;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.examples.metrics.AlertMonitor;
import com.snapasset.examples.metrics.SnapAssetMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code snapasset worker}: processes jobs from a shared queue until stopped (SIGTERM / Ctrl-C
 * finishes active jobs within the grace period and hands the rest back to the queue).
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
        "Processes jobs from the shared queue (REDIS_URL) until stopped; run as many as you like.",
        "With embedded defaults 'snapasset serve' runs a worker in its own process instead."})
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BackendOptions backend = new BackendOptions();

  @Option(names = {"-c", "--concurrency"}, defaultValue = "${env:WORKER_CONCURRENCY:-2}",
      description = "Jobs run at once (env WORKER_CONCURRENCY, default: ${DEFAULT-VALUE}; the guide: 2-3, at most 10).")
  int concurrency = 2;

  @Option(names = "--shutdown-grace", defaultValue = "PT30S",
      description = "How long stopping waits for active jobs (default: ${DEFAULT-VALUE}).")
  Duration shutdownGrace = Duration.ofSeconds(30);

  @Option(names = "--alert-interval", defaultValue = "${env:ALERT_INTERVAL:-PT1M}",
      description = "How often the queue-backlog, error-rate and memory rules are checked (default: ${DEFAULT-VALUE}).")
  Duration alertInterval = Duration.ofMinutes(1);

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    if (backend.redisUrl == null || backend.redisUrl.isBlank()) {
      throw new ConfigurationException("a separate worker needs a shared queue: set REDIS_URL (with embedded"
          + " defaults, 'snapasset serve' runs the worker inside the server process)");
    }
    try (Backend b = Backend.open(backend, null)) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (SnapAssetMetrics metrics = SnapAssetMetrics.bind(b.generator, registry);
           Worker worker = b.generator.startWorker(WorkerOptions.builder().concurrency(concurrency)
               .shutdownGrace(shutdownGrace).build())) {
        AlertMonitor alerts = AlertMonitor.builder(AlertMonitor.Signals.of(b.generator, metrics, null))
            .interval(alertInterval).build().start();
        try {
          err.printf("SnapAsset worker %s: concurrency %d, provider %s%n", worker.name(), concurrency,
              b.generator.providerName());
          err.flush();
          Runtime.getRuntime().addShutdownHook(new Thread(this::stopAndWaitForClose, "snapasset-shutdown"));
          stop.await();
        } finally {
          alerts.close();
        }
      }
    } finally {
      closed.countDown();
    }
    return 0;
  }

  /** Stops a worker running in this JVM, as the shutdown hook does (for tests and embedding). */
  void stopForTest() {
    stopAndWaitForClose();
  }

  /** Run by the shutdown hook: the JVM must not halt before active jobs finished or were handed back. */
  private void stopAndWaitForClose() {
    stop.countDown();
    try {
      closed.await(shutdownGrace.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
