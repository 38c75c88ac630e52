package com.snapasset.examples.metrics;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationListener;
import com.snapasset.GenerationResult;
import com.snapasset.JobId;
import com.snapasset.JobListener;
import com.snapasset.JobState;
import com.snapasset.OutputFormat;
import com.snapasset.QueueStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters for one {@link AssetGenerator}, fed by its {@link JobListener} and {@link
 * GenerationListener} events (nothing in core depends on Micrometer):
 *
 * <ul>
 *   <li>{@code snapasset.jobs.completed}, {@code .failed}, {@code .retried}, {@code .stalled}
 *       (counters) and {@code snapasset.jobs.completed.last.minute} / {@code
 *       failed.last.minute} (gauges): jobs per minute
 *   <li>{@code snapasset.job.duration}: the whole generation of each completed job
 *   <li>{@code snapasset.provider.latency} and {@code snapasset.provider.spend} (US dollars), per
 *       provider
 *   <li>{@code snapasset.render.duration} per format; {@code snapasset.upload.duration} and
 *       {@code snapasset.upload.size}
 *   <li>{@code snapasset.cache.lookups} by result and {@code snapasset.cache.hit.ratio}
 *   <li>{@code snapasset.queue.depth} per state and {@code snapasset.queue.paused}, read from the
 *       queue at most once a second however often they are scraped
 * </ul>
 *
 * With a shared queue (Redis), job events of every JVM are counted where the queue publishes them;
 * stage timings are counted in the JVM that ran the stage. Thread-safe; {@link #close()} stops
 * listening.
 */
public final class SnapAssetMetrics implements JobListener, GenerationListener, AutoCloseable {
  private static final Duration STATS_FRESHNESS = Duration.ofSeconds(1);

  private final AssetGenerator generator;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Counter completed;
  private final Counter failed;
  private final Counter retried;
  private final Counter stalled;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Timer jobDuration;
  private final Timer uploadDuration;
  private final DistributionSummary uploadSize;
  private final SlidingWindow completedWindow;
  private final SlidingWindow failedWindow;
  private final AtomicReference<@Nullable Snapshot> stats = new AtomicReference<>();

  private SnapAssetMetrics(AssetGenerator generator, MeterRegistry registry, Clock clock) {
    this.generator = generator;
    this.registry = registry;
    this.clock = clock;
    this.completed = Counter.builder("snapasset.jobs.completed").description("Jobs completed").register(registry);
    this.failed = Counter.builder("snapasset.jobs.failed").description("Jobs failed for good").register(registry);
    this.retried = Counter.builder("snapasset.jobs.retried").description("Attempts failed and retried").register(registry);
    this.stalled = Counter.builder("snapasset.jobs.stalled").description("Jobs whose worker stopped renewing the lock")
        .register(registry);
    this.cacheHits = Counter.builder("snapasset.cache.lookups").tag("result", "hit").register(registry);
    this.cacheMisses = Counter.builder("snapasset.cache.lookups").tag("result", "miss").register(registry);
    this.jobDuration = Timer.builder("snapasset.job.duration").description("Whole generation of a completed job")
        .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    this.uploadDuration = Timer.builder("snapasset.upload.duration").description("Storing one file")
        .publishPercentiles(0.5, 0.95).register(registry);
    this.uploadSize = DistributionSummary.builder("snapasset.upload.size").baseUnit("bytes")
        .description("Size of one stored file").register(registry);
    this.completedWindow = new SlidingWindow(clock, Duration.ofMinutes(1));
    this.failedWindow = new SlidingWindow(clock, Duration.ofMinutes(1));
    Gauge.builder("snapasset.jobs.completed.last.minute", completedWindow, SlidingWindow::count).register(registry);
    Gauge.builder("snapasset.jobs.failed.last.minute", failedWindow, SlidingWindow::count).register(registry);
    Gauge.builder("snapasset.cache.hit.ratio", this, SnapAssetMetrics::cacheHitRatio)
        .description("Share of base-image lookups served by the cache").register(registry);
    for (JobState state : JobState.values()) {
      Gauge.builder("snapasset.queue.depth", this, m -> m.queueStats().count(state))
          .tag("state", state.name().toLowerCase(Locale.ROOT)).description("Jobs in the queue per state")
          .register(registry);
    }
    Gauge.builder("snapasset.queue.paused", this, m -> m.queueStats().paused() ? 1 : 0).register(registry);
  }

  /** Registers the meters in {@code registry} and starts listening to {@code generator}. */
  public static SnapAssetMetrics bind(AssetGenerator generator, MeterRegistry registry) {
    return bind(generator, registry, Clock.systemUTC());
  }

  /** As {@link #bind(AssetGenerator, MeterRegistry)}, with the clock of the per-minute windows. */
  public static SnapAssetMetrics bind(AssetGenerator generator, MeterRegistry registry, Clock clock) {
    SnapAssetMetrics m = new SnapAssetMetrics(generator, registry, clock);
    generator.addListener((JobListener) m);
    generator.addGenerationListener(m);
    return m;
  }

  /** Jobs completed in the last minute. */
  public long completedLastMinute() {
    return completedWindow.count();
  }

  /** Jobs failed for good in the last minute. */
  public long failedLastMinute() {
    return failedWindow.count();
  }

  /** The queue's counts, at most a second old. */
  public QueueStats queueStats() {
    Snapshot s = stats.get();
    long now = clock.millis();
    if (s == null || now - s.takenAt >= STATS_FRESHNESS.toMillis()) {
      s = new Snapshot(generator.stats(), now);
      stats.set(s);
    }
    return s.stats;
  }

  @Override
  public void onCompleted(JobId id, GenerationResult result) {
    completed.increment();
    completedWindow.add(0);
    jobDuration.record(result.timings().total());
  }

  @Override
  public void onFailed(JobId id, String reason) {
    failed.increment();
    failedWindow.add(0);
  }

  @Override
  public void onRetrying(JobId id, String reason) {
    retried.increment();
  }

  @Override
  public void onStalled(JobId id) {
    stalled.increment();
  }

  @Override
  public void onProviderCall(String provider, Duration latency, BigDecimal costUsd) {
    Timer.builder("snapasset.provider.latency").tag("provider", provider)
        .description("Image provider calls").publishPercentiles(0.5, 0.95).register(registry).record(latency);
    Counter.builder("snapasset.provider.spend").tag("provider", provider).baseUnit("usd")
        .description("What image provider calls cost").register(registry).increment(costUsd.doubleValue());
  }

  @Override
  public void onBaseImageLookup(boolean hit) {
    (hit ? cacheHits : cacheMisses).increment();
  }

  @Override
  public void onRendered(OutputFormat format, Duration duration) {
    Timer.builder("snapasset.render.duration").tag("format", format.name().toLowerCase(Locale.ROOT))
        .description("Rendering and encoding one rendition").publishPercentiles(0.5, 0.95)
        .register(registry).record(duration);
  }

  @Override
  public void onStored(Duration duration, long bytes) {
    uploadDuration.record(duration);
    uploadSize.record(bytes);
  }

  @Override
  public void close() {
    generator.removeListener(this);
    generator.removeGenerationListener(this);
  }

  private double cacheHitRatio() {
    double hits = cacheHits.count();
    double all = hits + cacheMisses.count();
    return all == 0 ? 0 : hits / all;
  }

  private record Snapshot(QueueStats stats, long takenAt) {}
}
