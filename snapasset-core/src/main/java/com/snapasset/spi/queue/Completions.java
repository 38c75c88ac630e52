package com.snapasset.spi.queue;

import java.util.List;

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
   * Copies the lists and checks that only the last claim holds no job; see the class description.
   *
   * @param completed one answer per finished job, never null
   * @param claims the claims made, never null
   * @throws IllegalArgumentException if a claim other than the last holds no job
   */
  public Completions {
    completed = List.copyOf(completed);
    claims = List.copyOf(claims);
    for (int i = 0; i < claims.size() - 1; i++) {
      if (claims.get(i).job().isEmpty()) {
        throw new IllegalArgumentException("claim " + (i + 1) + " of " + claims.size()
            + " holds no job: only the last claim may hold none (claiming stops at the first that gets no job)");
      }
    }
  }
}
