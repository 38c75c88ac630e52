package com.snapasset.spi.queue;

import com.snapasset.JobId;
import com.snapasset.spi.JobQueue;
import java.util.Objects;

/**
 * A job to add to a {@link JobQueue}.
 *
 * @param id the job's id; adding an id that exists returns the existing job
 * @param payload opaque data, stored as given
 * @param priority lower is claimed first
 * @param maxAttempts attempts allowed, kept for display
 * @param keepCompleted newest completed jobs to keep when this one completes; -1 keeps all
 * @param keepFailed newest failed jobs to keep when this one fails for good; -1 keeps all
 */
public record NewJob(
    JobId id, String payload, int priority, int maxAttempts, int keepCompleted, int keepFailed) {
  public NewJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
  }
}
