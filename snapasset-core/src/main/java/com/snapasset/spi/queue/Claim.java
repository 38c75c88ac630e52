package com.snapasset.spi.queue;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a {@link ClaimRequest}: a job, nothing ready, or rate-limited for a while.
 */
public final class Claim {
  private static final Claim NONE = new Claim(null, Duration.ZERO, false);

  private final @Nullable QueuedJob job;
  private final Duration rateLimitedFor;
  private final boolean lastReady;

  private Claim(@Nullable QueuedJob job, Duration rateLimitedFor, boolean lastReady) {
    this.job = job;
    this.rateLimitedFor = rateLimitedFor;
    this.lastReady = lastReady;
  }

  /**
   * The job is now active and held under the request's token.
   *
   * @param job the claimed job
   * @return the answer
   */
  public static Claim of(QueuedJob job) {
    return new Claim(job, Duration.ZERO, false);
  }

  /**
   * The job is now active and held under the request's token, and it was the last ready one: a
   * claim made now would find nothing. A worker whose threads take turns to claim then lets the
   * next claimer wait for work ({@link com.snapasset.spi.JobQueue#awaitWork}) instead of asking
   * for a job that is not there — one round trip fewer per job while jobs trickle in.
   *
   * <p>A queue may answer this only if work made ready after this claim is noticed by its {@code
   * awaitWork} no later than after a claim that found nothing: at once for a job added, released or
   * retried without delay, and for a delayed job known at claim time when it falls due; a delay
   * set later (e.g. a retry with backoff falling due sooner) may be noticed only when the wait's
   * own bound ends, as it would be after an empty claim. A queue that cannot tell answers {@link
   * #of}.
   *
   * @param job the claimed job
   * @return the answer
   */
  public static Claim ofLastReady(QueuedJob job) {
    return new Claim(Objects.requireNonNull(job, "job"), Duration.ZERO, true);
  }

  /**
   * No job is ready (or the queue is paused).
   *
   * @return the answer when nothing is ready
   */
  public static Claim none() {
    return NONE;
  }

  /**
   * The rate limit is reached; the next claim may succeed after {@code wait}.
   *
   * @param wait how long until a claim may succeed
   * @return the answer
   */
  public static Claim rateLimited(Duration wait) {
    return new Claim(null, wait.isNegative() ? Duration.ZERO : wait, false);
  }

  /**
   * The claimed job, if one was.
   *
   * @return the job, or empty
   */
  public Optional<QueuedJob> job() {
    return Optional.ofNullable(job);
  }

  /**
   * How long the rate limit holds claims back; zero when it does not.
   *
   * @return the wait, or zero
   */
  public Duration rateLimitedFor() {
    return rateLimitedFor;
  }

  /**
   * Whether the claimed job was the last ready one ({@link #ofLastReady}); false when the queue
   * does not tell, or no job was claimed.
   *
   * @return true when a claim made right after this one would find nothing
   */
  public boolean lastReady() {
    return lastReady;
  }

  @Override
  public String toString() {
    return job != null ? "Claim[" + job.id() + (lastReady ? ", lastReady" : "") + "]"
        : rateLimitedFor.isZero() ? "Claim[none]" : "Claim[rateLimitedFor=" + rateLimitedFor + "]";
  }
}
