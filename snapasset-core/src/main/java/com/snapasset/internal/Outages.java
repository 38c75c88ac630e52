package com.snapasset.internal;

import com.snapasset.OutagePolicy;
import com.snapasset.ProviderException;
import com.snapasset.QueueException;
import com.snapasset.StorageException;
import com.snapasset.spi.queue.QueuedJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The engine's view of its dependencies: one {@link CircuitBreaker} each, and the decision whether
 * a failed attempt was the job's fault (spend an attempt) or a dependency's (postpone the job
 * without spending one). Shared by every worker of a generator; thread-safe.
 */
final class Outages {
  /** A job that failed on a dependency waits at least this long, plus jitter, before its next try. */
  static final Duration BASE_DELAY = Duration.ofSeconds(1);
  /** How often claims look again while a breaker's probe runs. */
  static final Duration PROBE_POLL = Duration.ofMillis(250);

  private final OutagePolicy policy;
  private final Clock clock;
  private final RandomGenerator random;
  private final Map<Dependency, CircuitBreaker> breakers = new EnumMap<>(Dependency.class);

  public Outages(OutagePolicy policy, Clock clock, RandomGenerator random) {
    this.policy = policy;
    this.clock = clock;
    this.random = random;
    for (Dependency d : Dependency.values()) {
      breakers.put(d, new CircuitBreaker(d, clock, policy.failuresToOpen(), policy.openFor(), policy.maxOpenFor()));
    }
  }

  /** Outage handling switched off: every failure spends an attempt. */
  public static Outages disabled(Clock clock) {
    return new Outages(OutagePolicy.disabled(), clock, RandomGenerator.getDefault());
  }

  public OutagePolicy policy() {
    return policy;
  }

  CircuitBreaker breaker(Dependency d) {
    return breakers.get(d);
  }

  /** How long workers should hold off claiming: while a breaker is open, or its probe runs. */
  public Duration claimWait() {
    Duration wait = Duration.ZERO;
    for (CircuitBreaker b : breakers.values()) {
      Duration w = b.state() == CircuitBreaker.State.HALF_OPEN && !b.probeFree() ? PROBE_POLL : b.claimWait();
      if (w.compareTo(wait) > 0) {
        wait = w;
      }
    }
    return wait;
  }

  /** What to do with a job whose attempt failed with {@code error}. */
  public @Nullable Postponement onFailure(Throwable error, QueuedJob job) {
    if (!policy.enabled()) {
      return null;
    }
    Instant now = clock.instant();
    if (job.createdAt().plus(policy.retryBudget()).isBefore(now)) {
      return null; // past the budget: transient faults spend attempts again
    }
    if (error instanceof ProviderException pe && pe.isRateLimit()) {
      Duration wait = pe.retryAfter().filter(d -> !d.isZero()).orElse(policy.rateLimitWait());
      return new Postponement(now.plus(wait), wait);
    }
    if (!isTransient(error)) {
      return null;
    }
    Instant until = now.plus(jittered(BASE_DELAY));
    for (CircuitBreaker b : breakers.values()) {
      Instant at = b.retryAt();
      if (at.isAfter(until)) {
        until = at.plus(jittered(Duration.ofMillis(200)));
      }
    }
    return new Postponement(until, null);
  }

  /** Trouble of a dependency rather than of the job: retryable provider, storage or queue errors. */
  static boolean isTransient(Throwable error) {
    return (error instanceof ProviderException pe && pe.isRetryable())
        || (error instanceof StorageException se && se.isRetryable())
        || error instanceof QueueException;
  }

  private Duration jittered(Duration base) {
    return base.plusMillis(random.nextLong(base.toMillis() + 1));
  }

  /**
   * Return the job to waiting, ready at {@code until}, without spending an attempt.
   *
   * @param rateLimitFor when the provider rate-limited: how long every worker of the queue holds off
   */
  public record Postponement(Instant until, @Nullable Duration rateLimitFor) {}
}
