package com.snapasset.spi.queue;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a {@link ClaimRequest}: a job, nothing ready, or rate-limited for a while.
 */
public final class Claim {
  private static final Claim NONE = new Claim(null, Duration.ZERO);

  private final @Nullable QueuedJob job;
  private final Duration rateLimitedFor;

  private Claim(@Nullable QueuedJob job, Duration rateLimitedFor) {
    this.job = job;
    this.rateLimitedFor = rateLimitedFor;
  }

  /** The job is now active and held under the request's token. */
  public static Claim of(QueuedJob job) {
    return new Claim(job, Duration.ZERO);
  }

  /** No job is ready (or the queue is paused). */
  public static Claim none() {
    return NONE;
  }

  /** The rate limit is reached; the next claim may succeed after {@code wait}. */
  public static Claim rateLimited(Duration wait) {
    return new Claim(null, wait.isNegative() ? Duration.ZERO : wait);
  }

  /** The claimed job, if one was. */
  public Optional<QueuedJob> job() {
    return Optional.ofNullable(job);
  }

  /** How long the rate limit holds claims back; zero when it does not. */
  public Duration rateLimitedFor() {
    return rateLimitedFor;
  }

  @Override
  public String toString() {
    return job != null ? "Claim[" + job.id() + "]"
        : rateLimitedFor.isZero() ? "Claim[none]" : "Claim[rateLimitedFor=" + rateLimitedFor + "]";
  }
}
