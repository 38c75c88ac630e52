package com.snapasset.spi;

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
 * @param workerId the claiming worker, as it {@linkplain JobQueue#heartbeat beats}; null for a
 *     claimer without heartbeats, whose jobs are recovered only when their locks expire
 */
public record ClaimRequest(
    String token, Duration lockDuration, @Nullable RateLimit rateLimit, @Nullable String workerId) {
  public ClaimRequest {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(lockDuration, "lockDuration");
    if (token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank");
    }
    if (workerId != null) {
      JobQueue.checkWorkerId(workerId);
    }
  }

  /** A claim by a claimer without heartbeats. */
  public ClaimRequest(String token, Duration lockDuration, @Nullable RateLimit rateLimit) {
    this(token, lockDuration, rateLimit, null);
  }
}
