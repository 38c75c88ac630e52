package com.snapasset;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before retrying a failed attempt.
 *
 * <p>{@link #exponential(Duration)} doubles the delay each time: with 2 s, attempts 2, 3 and 4 wait
 * 2, 4 and 8 s. {@code jitter} spreads retries of many jobs that failed together: a jitter of 0.2
 * picks each delay uniformly within ±20 % of the nominal one.
 *
 * @param type fixed or exponential
 * @param delay the first delay, 0 to 1 hour
 * @param jitter 0.0–1.0
 */
public record Backoff(Type type, Duration delay, double jitter) {
  private static final Duration MAX_DELAY = Duration.ofHours(1);

  /** Fixed: every retry waits {@code delay}. Exponential: {@code delay × 2^(retry − 1)}. */
  public enum Type {
    /** Every retry waits the same delay. */
    FIXED,
    /** The delay doubles with every retry. */
    EXPONENTIAL
  }

  /**
   * Checks the components; see the class description.
   *
   * @param type fixed or exponential
   * @param delay the first delay, 0 to 1 hour
   * @param jitter 0.0–1.0
   */
  public Backoff {
    if (type == null) {
      throw new InvalidRequestException("backoff type is missing: use FIXED or EXPONENTIAL");
    }
    if (delay == null || delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
      throw new InvalidRequestException("backoff delay " + delay + " is out of range: use 0 to 1 hour");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new InvalidRequestException("backoff jitter " + jitter + " is out of range: use 0.0-1.0");
    }
  }

  /**
   * Doubling from {@code delay}, with 20 % jitter.
   *
   * @param delay the first delay
   * @return an exponential backoff
   */
  public static Backoff exponential(Duration delay) {
    return new Backoff(Type.EXPONENTIAL, delay, 0.2);
  }

  /**
   * The same {@code delay} each time, with no jitter.
   *
   * @param delay every delay
   * @return a fixed backoff
   */
  public static Backoff fixed(Duration delay) {
    return new Backoff(Type.FIXED, delay, 0.0);
  }

  /**
   * This backoff with another share of random jitter.
   *
   * @param jitter 0.0–1.0
   * @return a copy with that jitter
   */
  public Backoff withJitter(double jitter) {
    return new Backoff(type, delay, jitter);
  }

  /**
   * The delay before retry number {@code retry} (1 for the first retry), at most one hour.
   *
   * @param random source of the jitter
   * @param retry the retry, 1-based
   * @return the delay before that retry
   */
  public Duration delayFor(int retry, RandomGenerator random) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1, was " + retry);
    }
    double base = delay.toMillis();
    if (type == Type.EXPONENTIAL) {
      base = base * Math.pow(2, Math.min(retry - 1, 30));
    }
    double factor = jitter == 0.0 ? 1.0 : 1.0 + jitter * (2 * random.nextDouble() - 1);
    long millis = (long) Math.min(base * factor, MAX_DELAY.toMillis());
    return Duration.ofMillis(Math.max(0, millis));
  }
}
