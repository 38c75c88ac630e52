package com.snapasset;

/**
 * Hears what happens to jobs. Every method has an empty default, so implement only what you need.
 *
 * <p>Called on engine or queue threads: return quickly and do not block. A listener that throws is
 * logged and cannot break a job or other listeners. With a shared queue (e.g. Redis), events of jobs
 * that other JVMs process are heard too, where the queue publishes them.
 */
public interface JobListener {

  /**
   * The job was added to the queue.
   *
   * @param id the job
   */
  default void onAdded(JobId id) {}

  /**
   * A worker claimed the job and started attempt number {@code attempt} (1-based).
   *
   * @param id the job
   * @param attempt the attempt, 1-based
   */
  default void onActive(JobId id, int attempt) {}

  /**
   * The job reported progress, 0–100.
   *
   * @param id the job
   * @param progress 0–100
   */
  default void onProgress(JobId id, int progress) {}

  /**
   * The job completed.
   *
   * @param id the job
   * @param result what the job produced
   */
  default void onCompleted(JobId id, GenerationResult result) {}

  /**
   * An attempt failed and the job will be tried again after its backoff.
   *
   * @param id the job
   * @param reason why the attempt failed
   */
  default void onRetrying(JobId id, String reason) {}

  /**
   * The job failed for good.
   *
   * @param id the job
   * @param reason why the last attempt failed
   */
  default void onFailed(JobId id, String reason) {}

  /**
   * The job's worker stopped renewing its lock; the job was put back or failed.
   *
   * @param id the job
   */
  default void onStalled(JobId id) {}
}
