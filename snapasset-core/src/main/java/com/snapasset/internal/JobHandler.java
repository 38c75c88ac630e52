package com.snapasset.internal;

import com.snapasset.JobOptions;
import com.snapasset.spi.QueuedJob;

/** What a {@link QueueWorker} does with a claimed job. */
public interface JobHandler {

  /** The job's retry and timeout options, read from its payload. */
  JobOptions options(QueuedJob job);

  /**
   * Does the work and returns the result to store. Must stop promptly when its thread is
   * interrupted (timeout, cancellation, lost lock, shutdown).
   */
  String handle(QueuedJob job, JobContext context) throws Exception;
}
