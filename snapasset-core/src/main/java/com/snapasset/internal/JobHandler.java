package com.snapasset.internal;

import com.snapasset.JobOptions;
import com.snapasset.spi.queue.QueuedJob;

/** What a {@link QueueWorker} does with a claimed job. */
interface JobHandler {

  /**
   * Reads the job's payload, once per claim.
   *
   * @throws RuntimeException when the payload is unreadable; the job then fails for good
   */
  Prepared prepare(QueuedJob job);

  /** A claimed job whose payload has been read. */
  interface Prepared {
    /** The job's retry and timeout options. */
    JobOptions options();

    /**
     * Does the work and returns the result to store. Must stop promptly when its thread is
     * interrupted (timeout, cancellation, lost lock, shutdown).
     */
    String run(JobContext context) throws Exception;
  }
}
