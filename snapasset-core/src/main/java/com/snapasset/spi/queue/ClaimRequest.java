package com.snapasset.spi.queue;

import com.snapasset.RateLimit;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A worker's request for the next job.
 *
 * @param token the lock token the job will be held under; unique per claim
 * @param lockDuration how long the lock lasts unless renewed
 * @param rateLimit a limit of claims per window shared by every claimer of the queue, or null
 */
public record ClaimRequest(String token, Duration lockDuration, @Nullable RateLimit rateLimit) {
  public ClaimRequest {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(lockDuration, "lockDuration");
    if (token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank");
    }
  }
}
