package com.snapasset;

/**
 * Processes jobs from the queue with a set concurrency until closed. Obtained from {@link
 * AssetGenerator#startWorker(WorkerOptions)}; thread-safe.
 *
 * <p>{@link #close()} is graceful: the worker stops claiming, lets active jobs finish within {@link
 * WorkerOptions#shutdownGrace()}, and releases the rest back to the queue so another worker takes
 * them.
 */
public interface Worker extends AutoCloseable {

  /**
   * This worker's name, unique per generator; it appears in logs and lock tokens.
   *
   * @return the name
   */
  String name();

  /**
   * Jobs this worker is running now: not counting jobs it claimed that wait their turn, nor
   * finished ones whose completion is still being recorded.
   *
   * @return 0 or more
   */
  int activeJobs();

  /**
   * Whether the worker still claims jobs.
   *
   * @return false once closed
   */
  boolean isRunning();

  /** Stops gracefully, as described above. Idempotent. */
  @Override
  void close();
}
