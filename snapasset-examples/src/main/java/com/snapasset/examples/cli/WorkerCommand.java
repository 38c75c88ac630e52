package com.snapasset.examples.cli;

import com.snapasset.ConfigurationException;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.examples.metrics.AlertMonitor;
import com.snapasset.micrometer.SnapAssetMetrics;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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

  @Option(names = "--metrics-port", defaultValue = "${env:METRICS_PORT:-9400}",
      description = "Serves Prometheus metrics at http://HOST:PORT/metrics, incl. snapasset.workers.desired for"
          + " autoscalers (env METRICS_PORT, default: ${DEFAULT-VALUE}; 0 picks a free port, -1 serves none).")
  int metricsPort = 9400;

  @Option(names = "--metrics-host", defaultValue = "${env:METRICS_HOST:-0.0.0.0}",
      description = "Interface of the metrics endpoint (env METRICS_HOST, default: ${DEFAULT-VALUE}).")
  String metricsHost = "0.0.0.0";

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    if (backend.redisUrl == null || backend.redisUrl.isBlank()) {
      throw new ConfigurationException("a separate worker needs a shared queue: set REDIS_URL (with embedded"
          + " defaults, 'snapasset serve' runs the worker inside the server process)");
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    try (JvmGcMetrics gc = new JvmGcMetrics(); Backend b = Backend.open(backend, null)) {
      gc.bindTo(registry);
      HttpServer metricsServer = metricsPort < 0 ? null : serveMetrics(registry);
      try (SnapAssetMetrics metrics = SnapAssetMetrics.of(b.generator);
           Worker worker = b.generator.startWorker(WorkerOptions.builder().concurrency(concurrency)
               .shutdownGrace(shutdownGrace).build())) {
        metrics.bindTo(registry);
        AlertMonitor alerts = AlertMonitor.builder(AlertMonitor.Signals.of(b.generator, metrics, null))
            .registry(registry).interval(alertInterval).build().start();
        try {
          err.printf("SnapAsset worker %s: concurrency %d, provider %s%n", worker.name(), concurrency,
              b.generator.providerName());
          if (metricsServer != null) {
            err.printf("Metrics: http://%s:%d/metrics%n", metricsHost, metricsServer.getAddress().getPort());
          }
          err.flush();
          Runtime.getRuntime().addShutdownHook(new Thread(this::stopAndWaitForClose, "snapasset-shutdown"));
          stop.await();
        } finally {
          alerts.close();
        }
      } finally {
        if (metricsServer != null) {
          metricsServer.stop(0);
        }
      }
    } finally {
      closed.countDown();
    }
    return 0;
  }

  /**
   * The worker has no HTTP API, so the JDK's own server answers the scrapes: one route, no
   * dependency beyond the JDK.
   */
  private HttpServer serveMetrics(PrometheusMeterRegistry registry) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(metricsHost, metricsPort), 0);
      server.createContext("/metrics", exchange -> {
        try (exchange) {
          if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(405, -1);
            return;
          }
          byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new ConfigurationException("cannot serve metrics on " + metricsHost + ":" + metricsPort + " ("
          + e.getMessage() + "): set --metrics-port / METRICS_PORT to a free port, or -1 for none");
    }
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
