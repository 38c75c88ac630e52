package com.snapasset.spi.queue;

import com.snapasset.JobId;
import java.util.Objects;

/**
 * A job a worker finished, to be completed by {@link com.snapasset.spi.JobQueue#completeAllAndClaim}.
 *
 * @param id the job
 * @param token the token it was claimed under
 * @param result the result, opaque to the queue
 */
public record FinishedJob(JobId id, String token, String result) {
  /**
   * Checks the components; see the class description.
   *
   * @param id the job, never null
   * @param token the claim token, never null
   * @param result the result, never null
   */
  public FinishedJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
  }
}
