package com.snapasset.examples.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the HTTP server measures of its requests: a {@code http.server.requests} timer per method,
 * route and status (with the p50/p95/p99 the guide's targets are stated in), and counts over the
 * last minute that the {@link AlertMonitor}'s error-rate and slow-response rules read.
 * Thread-safe.
 */
public final class RequestStats {
  private final MeterRegistry registry;
  private final SlidingWindow requests;
  private final SlidingWindow serverErrors;

  private RequestStats(MeterRegistry registry, Clock clock, Duration window) {
    this.registry = registry;
    this.requests = new SlidingWindow(clock, window);
    this.serverErrors = new SlidingWindow(clock, window);
  }

  /** Stats over the last minute, timing requests into {@code registry}. */
  public static RequestStats create(MeterRegistry registry, Clock clock) {
    return new RequestStats(registry, clock, Duration.ofMinutes(1));
  }

  /**
   * Records one finished request.
   *
   * @param route the route template, e.g. {@code /api/jobs/{id}}, so ids do not explode the tags
   */
  public void record(String method, String route, int status, Duration duration) {
    Timer.builder("http.server.requests")
        .description("HTTP requests answered by the SnapAsset API")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .publishPercentiles(0.5, 0.95, 0.99)
        .register(registry)
        .record(duration.toNanos(), TimeUnit.NANOSECONDS);
    requests.add(duration.toMillis());
    if (status >= 500) {
      serverErrors.add(0);
    }
  }

  /** Requests answered in the last minute. */
  public long requestsLastMinute() {
    return requests.count();
  }

  /** Requests answered with a 5xx status in the last minute. */
  public long serverErrorsLastMinute() {
    return serverErrors.count();
  }

  /** The slowest request of the last minute. */
  public Duration slowestLastMinute() {
    return Duration.ofMillis(requests.max());
  }
}
