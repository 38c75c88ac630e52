package com.snapasset.spi.queue;

import java.util.Objects;

/**
 * The answer to {@link com.snapasset.spi.JobQueue#completeAndClaim}: whether the job was
 * completed, and the next claim.
 *
 * @param completed whether the job was completed; false when the caller no longer held its lock
 * @param next the next job claimed for the request, none, or how long the rate limit holds
 */
public record Completion(boolean completed, Claim next) {
  /**
   * Checks the components; see the class description.
   *
   * @param completed whether the job was completed
   * @param next the next claim, never null
   */
  public Completion {
    Objects.requireNonNull(next, "next");
  }
}
