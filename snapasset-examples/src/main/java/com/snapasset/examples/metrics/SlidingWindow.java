package com.snapasset.examples.metrics;

import java.time.Clock;
import java.time.Duration;

/**
 * Counts and a maximum over the last {@code window}, in one-second buckets: what "per minute" and
 * "in the last minute" rules need, without keeping one entry per event. Thread-safe.
 *
 * <p>A copy, on purpose, of snapasset-micrometer's package-private {@code SlidingWindow} (its
 * jobs per minute). Sharing one would make it public API of that published module (or of an
 * {@code internal} package there, which these examples, using only public API, should not
 * import) for a small helper outside that module's purpose. Micrometer's {@code TimeWindowMax}
 * has the maximum, but a count over the last minute only through a time-window histogram's bucket.
 */
final class SlidingWindow {
  private final Clock clock;
  private final int seconds;
  private final long[] bucketSecond;
  private final long[] counts;
  private final long[] maxima;

  SlidingWindow(Clock clock, Duration window) {
    this.clock = clock;
    this.seconds = (int) Math.max(1, window.toSeconds());
    this.bucketSecond = new long[seconds];
    this.counts = new long[seconds];
    this.maxima = new long[seconds];
    java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
  }

  /** Adds one event carrying {@code value} (e.g. a duration in ms; 0 when only counted). */
  synchronized void add(long value) {
    long now = clock.millis() / 1000;
    int i = (int) Math.floorMod(now, (long) seconds);
    if (bucketSecond[i] != now) {
      bucketSecond[i] = now;
      counts[i] = 0;
      maxima[i] = 0;
    }
    counts[i]++;
    maxima[i] = Math.max(maxima[i], value);
  }

  /** Events in the window. */
  synchronized long count() {
    long now = clock.millis() / 1000;
    long sum = 0;
    for (int i = 0; i < seconds; i++) {
      if (now - bucketSecond[i] < seconds) {
        sum += counts[i];
      }
    }
    return sum;
  }

  /** The largest value added in the window, 0 if none. */
  synchronized long max() {
    long now = clock.millis() / 1000;
    long max = 0;
    for (int i = 0; i < seconds; i++) {
      if (now - bucketSecond[i] < seconds) {
        max = Math.max(max, maxima[i]);
      }
    }
    return max;
  }
}
