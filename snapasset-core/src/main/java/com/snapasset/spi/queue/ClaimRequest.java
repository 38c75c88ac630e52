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
 * @param workerId the claiming worker, as it {@linkplain com.snapasset.spi.JobQueue#heartbeat beats}; null for a
 *     claimer without heartbeats, whose jobs are recovered only when their locks expire
 */
public record ClaimRequest(
    String token, Duration lockDuration, @Nullable RateLimit rateLimit, @Nullable String workerId) {
  /**
   * Checks the components; see the class description.
   *
   * @param token the lock token the job will be held under; unique per claim
   * @param lockDuration how long the lock lasts unless renewed
   * @param rateLimit a limit of claims per window shared by every claimer of the queue, or null
   * @param workerId the claiming worker, or null for a claimer without heartbeats
   */
  public ClaimRequest {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(lockDuration, "lockDuration");
    if (token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank");
    }
    if (workerId != null) {
      checkWorkerId(workerId);
    }
  }

  /**
   * A claim by a claimer without heartbeats, whose jobs are recovered only when their locks expire.
   *
   * @param token the lock token the job will be held under; unique per claim, not blank
   * @param lockDuration how long the lock lasts unless renewed
   * @param rateLimit a limit of claims per window shared by every claimer of the queue, or null
   */
  public ClaimRequest(String token, Duration lockDuration, @Nullable RateLimit rateLimit) {
    this(token, lockDuration, rateLimit, null);
  }

  /**
   * Checks a worker id: 1-200 characters of {@code A-Z a-z 0-9 . _ : -}.
   *
   * @param workerId the id to check
   * @return {@code workerId}, unchanged
   * @throws IllegalArgumentException naming what is accepted
   */
  public static String checkWorkerId(String workerId) {
    boolean valid = workerId != null && !workerId.isEmpty() && workerId.length() <= 200;
    // A plain loop: a worker checks its id on every claim.
    for (int i = 0; valid && i < workerId.length(); i++) {
      char c = workerId.charAt(i);
      valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '-';
    }
    if (!valid) {
      throw new IllegalArgumentException(
          "workerId '" + workerId + "' is not valid: use 1-200 of A-Z a-z 0-9 . _ : -");
    }
    return workerId;
  }
}
