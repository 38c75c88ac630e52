package com.snapasset.internal;

import com.snapasset.JobOptions;
import com.snapasset.ProviderException;
import com.snapasset.SnapAssetException;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Decides what a failed attempt leads to: a retry at a time, or a final failure. The one place
 * where retryable vs permanent is applied.
 *
 * <p>SnapAsset exceptions say themselves whether a retry can help; anything else (a bug, an
 * unexpected runtime error) is retried like BullMQ does, bounded by the job's attempts.
 */
final class FailurePolicy {
  private final RandomGenerator random;

  FailurePolicy(RandomGenerator random) {
    this.random = random;
  }

  /** A retry time, or null to fail for good. */
  @Nullable Instant retryAt(Throwable error, int attemptNumber, JobOptions options, Instant now) {
    if (!isRetryable(error) || attemptNumber >= options.attempts()) {
      return null;
    }
    Duration delay = options.backoff().delayFor(attemptNumber, random);
    if (error instanceof ProviderException pe && pe.retryAfter().isPresent()
        && pe.retryAfter().get().compareTo(delay) > 0) {
      delay = pe.retryAfter().get();
    }
    return now.plus(delay);
  }

  static boolean isRetryable(Throwable error) {
    if (error instanceof SnapAssetException s) {
      return s.isRetryable();
    }
    return !(error instanceof Error);
  }

  /** The reason stored with the job: the message of a SnapAsset exception, else type and message. */
  static String reason(Throwable error) {
    String message = error.getMessage();
    if (error instanceof SnapAssetException && message != null) {
      return message;
    }
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
