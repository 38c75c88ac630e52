package com.snapasset.spi.queue;

import java.util.List;
import java.util.Objects;

/**
 * The answer to {@link com.snapasset.spi.JobQueue#completeAllAndClaim}: which jobs were completed,
 * and the claims made after them.
 *
 * @param completed per finished job, in order: whether it was completed (false when the caller no
 *     longer held its lock)
 * @param claims the claims made, in the order of the requests: every one but the last holds a job;
 *     the last may hold none (nothing ready, or rate-limited), and then no further claim was made
 */
public record Completions(List<Boolean> completed, List<Claim> claims) {
  /**
   * Copies the lists; see the class description.
   *
   * @param completed one answer per finished job, never null
   * @param claims the claims made, never null
   */
  public Completions {
    completed = List.copyOf(completed);
    claims = List.copyOf(claims);
  }
}
