package com.snapasset.micrometer;

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
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A Micrometer {@link MeterBinder} for one {@link AssetGenerator}, fed by its {@link JobListener}
 * and {@link GenerationListener} events (core itself knows nothing of Micrometer):
 *
 * <ul>
 *   <li>{@code snapasset.jobs.completed}, {@code .failed}, {@code .retried}, {@code .stalled}
 *       (counters: throughput is their rate) and {@code snapasset.jobs.completed.last.minute} /
 *       {@code snapasset.jobs.failed.last.minute} (gauges)
 *   <li>{@code snapasset.job.duration}: the whole generation of each completed job
 *   <li>{@code snapasset.provider.latency} and {@code snapasset.provider.spend} (US dollars), per
 *       {@code provider}
 *   <li>{@code snapasset.render.duration} per {@code format}; {@code snapasset.upload.duration} and
 *       {@code snapasset.upload.size}
 *   <li>{@code snapasset.cache.lookups} per {@code result} (hit, miss) and {@code
 *       snapasset.cache.hit.ratio}
 *   <li>{@code snapasset.queue.depth} per {@code state} and {@code snapasset.queue.paused}
 *   <li>{@code snapasset.workers.desired}: the workers the queue needs by the {@link
 *       ScalingPolicy} (the performance guide's thresholds by default), for an autoscaler
 * </ul>
 *
 * The queue gauges read {@link AssetGenerator#stats()} at most once a second however often they are
 * scraped, so a Redis queue is not asked once per gauge.
 *
 * <p>With a shared queue (Redis) the job events of every JVM reach the JVM where they are published,
 * so job counters count jobs of the whole queue; stage timings (provider, render, upload) count the
 * stages this JVM ran.
 *
 * <pre>{@code
 * SnapAssetMetrics metrics = SnapAssetMetrics.of(generator);
 * metrics.bindTo(registry);          // Spring Boot does this for a MeterBinder bean
 * ...
 * metrics.close();                   // stops listening; the meters stay in the registry
 * }</pre>
 *
 * One instance may be bound to several registries. Thread-safe.
 */
public final class SnapAssetMetrics implements MeterBinder, AutoCloseable {
  private static final Duration STATS_FRESHNESS = Duration.ofSeconds(1);

  private final AssetGenerator generator;
  private final Clock clock;
  private final ScalingPolicy scaling;
  private final Tags tags;
  private final SlidingWindow completedWindow;
  private final SlidingWindow failedWindow;
  private final List<Bound> bound = new CopyOnWriteArrayList<>();
  private final AtomicReference<@Nullable Snapshot> stats = new AtomicReference<>();
  private final AtomicBoolean listening = new AtomicBoolean();
  private final Listener listener = new Listener();

  private SnapAssetMetrics(Builder b) {
    this.generator = b.generator;
    this.clock = b.clock;
    this.scaling = b.scaling;
    this.tags = b.tags;
    this.completedWindow = new SlidingWindow(clock, Duration.ofMinutes(1));
    this.failedWindow = new SlidingWindow(clock, Duration.ofMinutes(1));
  }

  /**
   * Metrics of {@code generator} with the guide's scaling thresholds and no extra tags.
   *
   * @param generator the generator to measure
   * @return metrics not yet bound to a registry
   */
  public static SnapAssetMetrics of(AssetGenerator generator) {
    return builder(generator).build();
  }

  /**
   * Starts configuring metrics of {@code generator}.
   *
   * @param generator the generator to measure
   * @return a builder with the defaults
   */
  public static Builder builder(AssetGenerator generator) {
    return new Builder(generator);
  }

  /**
   * Registers the meters in {@code registry}. The first call starts listening to the generator;
   * events before it are not counted. The job counters need the queue's events, so from then
   * until {@link #close()} the generator subscribes to them (a worker-only generator otherwise
   * does not).
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    bound.add(new Bound(registry));
    if (listening.compareAndSet(false, true)) {
      generator.addListener(listener);
      generator.addGenerationListener(listener);
    }
  }

  /**
   * Jobs completed in the last minute.
   *
   * @return completions heard in the last 60 s of the clock
   */
  public long completedLastMinute() {
    return completedWindow.count();
  }

  /**
   * Jobs failed for good in the last minute.
   *
   * @return final failures heard in the last 60 s of the clock
   */
  public long failedLastMinute() {
    return failedWindow.count();
  }

  /**
   * The queue's counts, at most a second old.
   *
   * @return the counts last read from the generator's queue
   */
  public QueueStats queueStats() {
    Snapshot s = stats.get();
    long now = clock.millis();
    if (s == null || now - s.takenAt >= STATS_FRESHNESS.toMillis()) {
      s = new Snapshot(generator.stats(), now);
      stats.set(s);
    }
    return s.stats;
  }

  /**
   * The workers the queue needs now by the scaling policy.
   *
   * @return the value of the {@code snapasset.workers.desired} gauge
   */
  public int desiredWorkers() {
    return scaling.desiredWorkers(queueStats());
  }

  /**
   * The scaling policy behind {@code snapasset.workers.desired}.
   *
   * @return the policy this instance was built with
   */
  public ScalingPolicy scalingPolicy() {
    return scaling;
  }

  /** Stops listening to the generator; meters already registered keep their last values. */
  @Override
  public void close() {
    if (listening.compareAndSet(true, false)) {
      generator.removeListener(listener);
      generator.removeGenerationListener(listener);
    }
  }

  private double cacheHitRatio(Bound b) {
    double hits = b.cacheHits.count();
    double all = hits + b.cacheMisses.count();
    return all == 0 ? 0 : hits / all;
  }

  /** The meters of one registry. */
  private final class Bound {
    final MeterRegistry registry;
    final Counter completed;
    final Counter failed;
    final Counter retried;
    final Counter stalled;
    final Counter cacheHits;
    final Counter cacheMisses;
    final Timer jobDuration;
    final Timer uploadDuration;
    final DistributionSummary uploadSize;

    Bound(MeterRegistry r) {
      this.registry = r;
      completed = Counter.builder("snapasset.jobs.completed").tags(tags).description("Jobs completed").register(r);
      failed = Counter.builder("snapasset.jobs.failed").tags(tags).description("Jobs failed for good").register(r);
      retried = Counter.builder("snapasset.jobs.retried").tags(tags)
          .description("Attempts that failed and will be retried").register(r);
      stalled = Counter.builder("snapasset.jobs.stalled").tags(tags)
          .description("Jobs whose worker stopped renewing the lock").register(r);
      cacheHits = Counter.builder("snapasset.cache.lookups").tags(tags).tag("result", "hit")
          .description("Base-image cache lookups").register(r);
      cacheMisses = Counter.builder("snapasset.cache.lookups").tags(tags).tag("result", "miss")
          .description("Base-image cache lookups").register(r);
      jobDuration = Timer.builder("snapasset.job.duration").tags(tags)
          .description("Whole generation of a completed job").publishPercentiles(0.5, 0.95, 0.99).register(r);
      uploadDuration = Timer.builder("snapasset.upload.duration").tags(tags).description("Storing one file")
          .publishPercentiles(0.5, 0.95).register(r);
      uploadSize = DistributionSummary.builder("snapasset.upload.size").tags(tags).baseUnit("bytes")
          .description("Size of one stored file").register(r);

      SnapAssetMetrics m = SnapAssetMetrics.this;
      Gauge.builder("snapasset.jobs.completed.last.minute", m, SnapAssetMetrics::completedLastMinute).tags(tags)
          .description("Jobs completed in the last minute").register(r);
      Gauge.builder("snapasset.jobs.failed.last.minute", m, SnapAssetMetrics::failedLastMinute).tags(tags)
          .description("Jobs failed for good in the last minute").register(r);
      Gauge.builder("snapasset.cache.hit.ratio", this, SnapAssetMetrics.this::cacheHitRatio).tags(tags)
          .description("Share of base-image lookups served by the cache").register(r);
      for (JobState state : JobState.values()) {
        Gauge.builder("snapasset.queue.depth", m, x -> x.queueStats().count(state)).tags(tags)
            .tag("state", state.name().toLowerCase(Locale.ROOT)).description("Jobs in the queue per state")
            .register(r);
      }
      Gauge.builder("snapasset.queue.paused", m, x -> x.queueStats().paused() ? 1 : 0).tags(tags)
          .description("1 while the queue hands out no jobs").register(r);
      Gauge.builder("snapasset.workers.desired", m, SnapAssetMetrics::desiredWorkers).tags(tags)
          .description("Workers the queue needs: max(ceil(waiting / " + scaling.waitingPerWorker()
              + "), ceil(active / " + scaling.activePerWorker() + ")) within [" + scaling.minWorkers() + ", "
              + scaling.maxWorkers() + "]")
          .register(r);
    }
  }

  /** One listener for both kinds of events, kept private so the binder's API stays small. */
  private final class Listener implements JobListener, GenerationListener {
    @Override
    public void onCompleted(JobId id, GenerationResult result) {
      completedWindow.add(0);
      for (Bound b : bound) {
        b.completed.increment();
        b.jobDuration.record(result.timings().total());
      }
    }

    @Override
    public void onFailed(JobId id, String reason) {
      failedWindow.add(0);
      for (Bound b : bound) {
        b.failed.increment();
      }
    }

    @Override
    public void onRetrying(JobId id, String reason) {
      for (Bound b : bound) {
        b.retried.increment();
      }
    }

    @Override
    public void onStalled(JobId id) {
      for (Bound b : bound) {
        b.stalled.increment();
      }
    }

    @Override
    public void onProviderCall(String provider, Duration latency, BigDecimal costUsd) {
      for (Bound b : bound) {
        Timer.builder("snapasset.provider.latency").tags(tags).tag("provider", provider)
            .description("Image provider calls").publishPercentiles(0.5, 0.95).register(b.registry).record(latency);
        Counter.builder("snapasset.provider.spend").tags(tags).tag("provider", provider).baseUnit("usd")
            .description("What image provider calls cost").register(b.registry).increment(costUsd.doubleValue());
      }
    }

    @Override
    public void onBaseImageLookup(boolean hit) {
      for (Bound b : bound) {
        (hit ? b.cacheHits : b.cacheMisses).increment();
      }
    }

    @Override
    public void onRendered(OutputFormat format, Duration duration) {
      for (Bound b : bound) {
        Timer.builder("snapasset.render.duration").tags(tags).tag("format", format.name().toLowerCase(Locale.ROOT))
            .description("Rendering and encoding one rendition").publishPercentiles(0.5, 0.95)
            .register(b.registry).record(duration);
      }
    }

    @Override
    public void onStored(Duration duration, long bytes) {
      for (Bound b : bound) {
        b.uploadDuration.record(duration);
        b.uploadSize.record(bytes);
      }
    }
  }

  private record Snapshot(QueueStats stats, long takenAt) {}

  /** Configures {@link SnapAssetMetrics}; {@link #build()} leaves the builder unchanged. */
  public static final class Builder {
    private final AssetGenerator generator;
    private Clock clock = Clock.systemUTC();
    private ScalingPolicy scaling = ScalingPolicy.GUIDE;
    private Tags tags = Tags.empty();

    private Builder(AssetGenerator generator) {
      this.generator = Objects.requireNonNull(generator, "generator");
    }

    /**
     * The thresholds behind {@code snapasset.workers.desired}. Default {@link ScalingPolicy#GUIDE}.
     *
     * @param policy the thresholds
     * @return this builder
     */
    public Builder scalingPolicy(ScalingPolicy policy) {
      this.scaling = Objects.requireNonNull(policy, "scalingPolicy");
      return this;
    }

    /**
     * Tags added to every meter, e.g. {@code queue=images} when one application runs several
     * generators. Default none.
     *
     * @param tags the common tags
     * @return this builder
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
      return this;
    }

    /**
     * The clock of the per-minute windows and of the queue-counts cache. Default system UTC.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * New metrics, not yet bound to a registry.
     *
     * @return metrics with this builder's settings
     */
    public SnapAssetMetrics build() {
      return new SnapAssetMetrics(this);
    }
  }
}
