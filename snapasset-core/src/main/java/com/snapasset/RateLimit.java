package com.snapasset;

import java.time.Duration;

/**
 * At most {@code max} jobs started per {@code window}, across every worker sharing a queue. Image
 * providers limit requests per minute; this keeps workers under that limit instead of collecting
 * 429s.
 *
 * @param max 1 or more
 * @param window 1 ms to 1 day
 */
public record RateLimit(int max, Duration window) {
  /**
   * Checks the components; see the class description.
   *
   * @param max 1 or more
   * @param window 1 ms to 1 day
   */
  public RateLimit {
    if (max < 1) {
      throw new IllegalArgumentException("rate limit max must be >= 1, was " + max);
    }
    if (window == null || window.toMillis() < 1 || window.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("rate limit window " + window + " is out of range: use 1 ms to 1 day");
    }
  }

  /**
   * At most {@code max} jobs per {@code window}.
   *
   * @param max jobs, at least 1
   * @param window 1 ms to 1 day
   * @return the limit
   */
  public static RateLimit of(int max, Duration window) {
    return new RateLimit(max, window);
  }
}
