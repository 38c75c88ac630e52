package com.snapasset;

import java.time.Duration;
import java.util.Objects;

/**
 * How jobs ride out trouble that is not their fault: a rate limit, or a provider, storage or
 * catalog that is down. Such a failure returns the job to waiting <em>without spending an
 * attempt</em> (BullMQ's {@code RateLimitError}); only errors that belong to the job (a content
 * policy refusal, an undecodable image, a permanent refusal) and errors past the retry budget
 * spend attempts.
 *
 * <ul>
 *   <li><b>Rate limits</b> (the provider answered 429, with or without Retry-After): every worker
 *       sharing the queue stops claiming for the time asked (default {@link #rateLimitWait()} when
 *       none was given), through {@link com.snapasset.spi.JobQueue#rateLimit}.
 *   <li><b>Circuit breakers</b>, one per dependency (provider, storage, catalog): after {@link
 *       #failuresToOpen()} transient failures in a row the breaker opens, workers stop claiming and
 *       calls fail fast, for {@link #openFor()}; then one probe call is let through (half-open). A
 *       probe that succeeds closes the breaker; one that fails opens it again for twice as long,
 *       up to {@link #maxOpenFor()}.
 *   <li><b>Retry budget</b>: transient faults are retried without spending attempts until the job
 *       is {@link #retryBudget()} old; after that they spend attempts as any failure does.
 * </ul>
 *
 * <p>Defaults: 3 failures to open, open 5 s doubling up to 1 min, 5 s for a rate limit without
 * Retry-After, a 30-minute retry budget. {@link #disabled()} restores plain attempt counting.
 *
 * @param retryBudget how long after its creation a job's transient faults are free; zero turns
 *     the free retries off
 * @param failuresToOpen transient failures in a row that open a dependency's breaker, 1-1000
 * @param openFor how long a breaker stays open before its first probe
 * @param maxOpenFor the longest a breaker stays open after failed probes
 * @param rateLimitWait how long the queue holds claims after a 429 without Retry-After
 */
public record OutagePolicy(
    Duration retryBudget, int failuresToOpen, Duration openFor, Duration maxOpenFor, Duration rateLimitWait) {

  /**
   * Checks the components; see the class description.
   *
   * @param retryBudget how long after its creation a job's transient faults are free; zero or
   *     positive, zero turns the free retries off
   * @param failuresToOpen transient failures in a row that open a dependency's breaker, 1-1000
   * @param openFor how long a breaker stays open before its first probe; positive
   * @param maxOpenFor the longest a breaker stays open after failed probes; not shorter than openFor
   * @param rateLimitWait how long the queue holds claims after a 429 without Retry-After; positive
   * @throws IllegalArgumentException when a component is out of its range
   * @throws NullPointerException when a duration is null
   */
  public OutagePolicy {
    Objects.requireNonNull(retryBudget, "retryBudget");
    if (retryBudget.isNegative()) {
      throw new IllegalArgumentException("retryBudget must not be negative, was " + retryBudget);
    }
    if (failuresToOpen < 1 || failuresToOpen > 1000) {
      throw new IllegalArgumentException("failuresToOpen " + failuresToOpen + " is out of range: use 1-1000");
    }
    requirePositive("openFor", openFor);
    requirePositive("maxOpenFor", maxOpenFor);
    requirePositive("rateLimitWait", rateLimitWait);
    if (maxOpenFor.compareTo(openFor) < 0) {
      throw new IllegalArgumentException("maxOpenFor " + maxOpenFor + " must not be shorter than openFor " + openFor);
    }
  }

  /**
   * The defaults described above.
   *
   * @return 3 failures to open, open 5 s doubling up to 1 min, 5 s rate-limit wait, 30-minute
   *     retry budget
   */
  public static OutagePolicy defaults() {
    return new OutagePolicy(Duration.ofMinutes(30), 3, Duration.ofSeconds(5), Duration.ofMinutes(1),
        Duration.ofSeconds(5));
  }

  /**
   * Every failure spends an attempt, as before outage handling existed; breakers never open.
   *
   * @return a policy with a zero retry budget and breakers that need 1000 failures in a row
   */
  public static OutagePolicy disabled() {
    return new OutagePolicy(Duration.ZERO, 1000, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(5));
  }

  /**
   * Whether transient faults are retried without spending attempts.
   *
   * @return true when {@link #retryBudget()} is not zero
   */
  public boolean enabled() {
    return !retryBudget.isZero();
  }

  /**
   * A copy with another retry budget.
   *
   * @param retryBudget how long after its creation a job's transient faults are free; zero turns
   *     the free retries off
   * @return the copy
   * @throws IllegalArgumentException when the budget is negative
   */
  public OutagePolicy withRetryBudget(Duration retryBudget) {
    return new OutagePolicy(retryBudget, failuresToOpen, openFor, maxOpenFor, rateLimitWait);
  }

  /**
   * A copy with other circuit-breaker settings.
   *
   * @param failuresToOpen transient failures in a row that open a dependency's breaker, 1-1000
   * @param openFor how long a breaker stays open before its first probe; positive
   * @param maxOpenFor the longest a breaker stays open after failed probes; not shorter than openFor
   * @return the copy
   * @throws IllegalArgumentException when a value is out of its range
   */
  public OutagePolicy withBreaker(int failuresToOpen, Duration openFor, Duration maxOpenFor) {
    return new OutagePolicy(retryBudget, failuresToOpen, openFor, maxOpenFor, rateLimitWait);
  }

  /**
   * A copy with another wait after a rate limit that gave no Retry-After.
   *
   * @param rateLimitWait how long the queue holds claims after such a 429; positive
   * @return the copy
   * @throws IllegalArgumentException when the wait is zero or negative
   */
  public OutagePolicy withRateLimitWait(Duration rateLimitWait) {
    return new OutagePolicy(retryBudget, failuresToOpen, openFor, maxOpenFor, rateLimitWait);
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
