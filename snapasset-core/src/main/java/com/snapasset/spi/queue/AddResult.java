package com.snapasset.spi.queue;

import com.snapasset.spi.JobQueue;
import java.util.Objects;

/**
 * What {@link JobQueue#add} did.
 *
 * @param job the job as stored: the new one, or the existing one of the same id
 * @param created false when a job of the same id existed
 */
public record AddResult(QueuedJob job, boolean created) {
  public AddResult {
    Objects.requireNonNull(job, "job");
  }
}
