package com.snapasset.examples.metrics;

import com.snapasset.AssetGenerator;
import com.snapasset.QueueStats;
import com.snapasset.spi.Listeners;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The performance guide's alert rules, checked every interval (default a minute, as in the guide):
 *
 * <ul>
 *   <li>{@code queue-backlog}: more than 100 jobs waiting (waiting + delayed)
 *   <li>{@code job-error-rate}: more than 5 % of the jobs finished in the last minute failed
 *   <li>{@code http-error-rate}: more than 5 % of the last minute's requests answered 5xx
 *   <li>{@code slow-responses}: a request in the last minute took more than 1 s
 *   <li>{@code memory}: more heap in use than 1 GiB (or 90 % of the maximum heap, if lower)
 * </ul>
 *
 * A rule logs a warning and publishes an {@link AlertEvent} when it trips, and logs and publishes
 * again when it clears; in between it stays quiet. Rates need at least {@code minimumSamples}
 * events in the window, so one failure out of one job is not a 100 % error rate. Thread-safe.
 */
public final class AlertMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertMonitor.class);

  /** What the rules read; the default reads a generator, its metrics and the server's requests. */
  public interface Signals {
    /** Jobs waiting or delayed. */
    long queueBacklog();

    long jobsCompletedLastMinute();

    long jobsFailedLastMinute();

    long requestsLastMinute();

    long serverErrorsLastMinute();

    Duration slowestResponseLastMinute();

    long heapUsedBytes();

    /** Signals of a generator's queue and metrics, and of a server's requests if there is one. */
    static Signals of(AssetGenerator generator, SnapAssetMetrics metrics, @Nullable RequestStats requests) {
      return new Signals() {
        @Override
        public long queueBacklog() {
          QueueStats s = metrics.queueStats();
          return s.waiting() + s.delayed();
        }

        @Override
        public long jobsCompletedLastMinute() {
          return metrics.completedLastMinute();
        }

        @Override
        public long jobsFailedLastMinute() {
          return metrics.failedLastMinute();
        }

        @Override
        public long requestsLastMinute() {
          return requests == null ? 0 : requests.requestsLastMinute();
        }

        @Override
        public long serverErrorsLastMinute() {
          return requests == null ? 0 : requests.serverErrorsLastMinute();
        }

        @Override
        public Duration slowestResponseLastMinute() {
          return requests == null ? Duration.ZERO : requests.slowestLastMinute();
        }

        @Override
        public long heapUsedBytes() {
          Runtime r = Runtime.getRuntime();
          return r.totalMemory() - r.freeMemory();
        }
      };
    }
  }

  private final Signals signals;
  private final Builder settings;
  private final Map<String, AlertEvent> active = new ConcurrentHashMap<>();
  private final Listeners<Consumer<AlertEvent>> listeners = new Listeners<>("alert listener");
  private @Nullable ScheduledExecutorService timer;

  private AlertMonitor(Builder b) {
    this.signals = b.signals;
    this.settings = b;
    b.listeners.forEach(listeners::add);
    if (b.registry != null) {
      for (String rule : List.of("queue-backlog", "job-error-rate", "http-error-rate", "slow-responses", "memory")) {
        Gauge.builder("snapasset.alert.active", active, m -> m.containsKey(rule) ? 1 : 0)
            .tag("rule", rule).description("1 while the alert rule holds").register(b.registry);
      }
    }
  }

  public static Builder builder(Signals signals) {
    return new Builder(signals);
  }

  /** Checks every rule now, publishes what tripped or cleared, and returns those events. */
  public synchronized List<AlertEvent> evaluate() {
    List<AlertEvent> events = new ArrayList<>();
    long backlog = signals.queueBacklog();
    check(events, "queue-backlog", backlog > settings.queueBacklog, backlog, settings.queueBacklog,
        backlog + " jobs are waiting (more than " + settings.queueBacklog + "): add workers");
    long done = signals.jobsCompletedLastMinute();
    long failed = signals.jobsFailedLastMinute();
    double jobRate = rate(failed, done + failed);
    check(events, "job-error-rate", jobRate > settings.errorRate, jobRate, settings.errorRate,
        String.format(java.util.Locale.ROOT, "%.1f %% of the last minute's %d finished jobs failed", jobRate * 100,
            done + failed));
    long requests = signals.requestsLastMinute();
    double httpRate = rate(signals.serverErrorsLastMinute(), requests);
    check(events, "http-error-rate", httpRate > settings.errorRate, httpRate, settings.errorRate,
        String.format(java.util.Locale.ROOT, "%.1f %% of the last minute's %d requests failed with 5xx", httpRate * 100,
            requests));
    Duration slowest = signals.slowestResponseLastMinute();
    check(events, "slow-responses", slowest.compareTo(settings.slowResponse) > 0, slowest.toMillis(),
        settings.slowResponse.toMillis(),
        "a response took " + slowest.toMillis() + " ms (limit " + settings.slowResponse.toMillis() + " ms)");
    long heap = signals.heapUsedBytes();
    check(events, "memory", heap > settings.memoryBytes, heap, settings.memoryBytes,
        (heap >> 20) + " MiB of heap in use (limit " + (settings.memoryBytes >> 20) + " MiB)");
    return events;
  }

  /** The rules holding now, with the event that tripped each. */
  public List<AlertEvent> active() {
    return List.copyOf(active.values());
  }

  /** Also publishes events to {@code listener}. */
  public void addListener(Consumer<AlertEvent> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Evaluates every interval on a daemon thread until closed. */
  public synchronized AlertMonitor start() {
    if (timer == null) {
      ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread th = new Thread(r, "snapasset-alerts");
        th.setDaemon(true);
        return th;
      });
      long every = settings.interval.toMillis();
      t.scheduleAtFixedRate(() -> {
        try {
          evaluate();
        } catch (RuntimeException e) {
          log.warn("alert rules could not be evaluated: {}", e.toString());
        }
      }, every, every, TimeUnit.MILLISECONDS);
      timer = t;
    }
    return this;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }

  private void check(List<AlertEvent> events, String rule, boolean holds, double value, double threshold,
      String message) {
    AlertEvent was = active.get(rule);
    if (holds == (was != null)) {
      return;
    }
    AlertEvent e = new AlertEvent(rule, holds, value, threshold, message, settings.clock.instant());
    if (holds) {
      active.put(rule, e);
      log.warn("ALERT {}: {}", rule, message);
    } else {
      active.remove(rule);
      log.info("alert {} cleared: {}", rule, message);
    }
    events.add(e);
    listeners.each(l -> l.accept(e));
  }

  private double rate(long part, long all) {
    return all < settings.minimumSamples ? 0 : (double) part / all;
  }

  /** Configures an {@link AlertMonitor}; the defaults are the guide's thresholds. */
  public static final class Builder {
    private final Signals signals;
    private long queueBacklog = 100;
    private double errorRate = 0.05;
    private int minimumSamples = 20;
    private Duration slowResponse = Duration.ofSeconds(1);
    private long memoryBytes = Math.min(1L << 30, (long) (Runtime.getRuntime().maxMemory() * 0.9));
    private Duration interval = Duration.ofMinutes(1);
    private Clock clock = Clock.systemUTC();
    private @Nullable MeterRegistry registry;
    private final List<Consumer<AlertEvent>> listeners = new ArrayList<>();

    private Builder(Signals signals) {
      this.signals = Objects.requireNonNull(signals, "signals");
    }

    /** Trips when more jobs than this wait. Default 100. */
    public Builder queueBacklog(long jobs) {
      if (jobs < 0) {
        throw new IllegalArgumentException("queueBacklog must be >= 0, was " + jobs);
      }
      this.queueBacklog = jobs;
      return this;
    }

    /** Trips when more than this share (0-1) of jobs or requests fail. Default 0.05. */
    public Builder errorRate(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("errorRate must be 0-1, was " + share);
      }
      this.errorRate = share;
      return this;
    }

    /** Fewest events in the window before a rate is judged. Default 20. */
    public Builder minimumSamples(int samples) {
      if (samples < 1) {
        throw new IllegalArgumentException("minimumSamples must be >= 1, was " + samples);
      }
      this.minimumSamples = samples;
      return this;
    }

    /** Trips when a response took longer. Default 1 s. */
    public Builder slowResponse(Duration limit) {
      if (limit == null || limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("slowResponse must be positive, was " + limit);
      }
      this.slowResponse = limit;
      return this;
    }

    /** Trips when more heap is in use. Default 1 GiB or 90 % of the maximum heap, if lower. */
    public Builder memoryBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("memoryBytes must be positive, was " + bytes);
      }
      this.memoryBytes = bytes;
      return this;
    }

    /** How often {@link #start()} evaluates. Default a minute. */
    public Builder interval(Duration interval) {
      if (interval == null || interval.toMillis() < 10) {
        throw new IllegalArgumentException("interval must be at least 10 ms, was " + interval);
      }
      this.interval = interval;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Publishes a {@code snapasset.alert.active} gauge per rule here. */
    public Builder registry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Builder listener(Consumer<AlertEvent> listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public AlertMonitor build() {
      Builder c = new Builder(signals);
      c.queueBacklog = queueBacklog;
      c.errorRate = errorRate;
      c.minimumSamples = minimumSamples;
      c.slowResponse = slowResponse;
      c.memoryBytes = memoryBytes;
      c.interval = interval;
      c.clock = clock;
      c.registry = registry;
      c.listeners.addAll(listeners);
      return new AlertMonitor(c);
    }
  }
}
