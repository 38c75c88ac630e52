package com.snapasset.micrometer;

import com.snapasset.QueueStats;

/**
 * How many workers a queue needs, from the performance guide's scaling thresholds: add a worker
 * when more than {@code waitingPerWorker} jobs wait (guide: 50), or when workers hold more than
 * {@code activePerWorker} active jobs each (guide: 10).
 *
 * <p>The answer depends on the queue's counts only, never on how many workers run now, so an
 * autoscaler that sets the replica count to it converges instead of oscillating:
 *
 * <pre>
 * desired = clamp(max(ceil(waiting / waitingPerWorker), ceil(active / activePerWorker)),
 *                 minWorkers, maxWorkers)
 * </pre>
 *
 * Delayed jobs (waiting out a retry backoff) do not count: no worker can take them yet. A paused
 * queue needs {@code minWorkers}. Immutable and thread-safe.
 *
 * @param waitingPerWorker waiting jobs one worker is expected to keep up with, at least 1
 * @param activePerWorker active jobs one worker holds at most (its concurrency), at least 1
 * @param minWorkers fewest workers, at least 0 (0 lets an autoscaler scale to zero when idle)
 * @param maxWorkers most workers, at least {@code max(1, minWorkers)}
 */
public record ScalingPolicy(long waitingPerWorker, int activePerWorker, int minWorkers, int maxWorkers) {

  /** The guide's thresholds: 50 waiting, 10 active per worker; between 1 and 100 workers. */
  public static final ScalingPolicy GUIDE = new ScalingPolicy(50, 10, 1, 100);

  /**
   * Checks every bound; the message names the parameter and what is accepted.
   *
   * @param waitingPerWorker waiting jobs one worker is expected to keep up with, at least 1
   * @param activePerWorker active jobs one worker holds at most, at least 1
   * @param minWorkers fewest workers, at least 0
   * @param maxWorkers most workers, at least {@code max(1, minWorkers)}
   * @throws IllegalArgumentException if a bound is out of range
   */
  public ScalingPolicy {
    if (waitingPerWorker < 1) {
      throw new IllegalArgumentException("waitingPerWorker must be at least 1, was " + waitingPerWorker);
    }
    if (activePerWorker < 1) {
      throw new IllegalArgumentException("activePerWorker must be at least 1, was " + activePerWorker);
    }
    if (minWorkers < 0) {
      throw new IllegalArgumentException("minWorkers must be at least 0, was " + minWorkers);
    }
    if (maxWorkers < Math.max(1, minWorkers)) {
      throw new IllegalArgumentException(
          "maxWorkers must be at least max(1, minWorkers = " + minWorkers + "), was " + maxWorkers);
    }
  }

  /**
   * The guide's thresholds with other bounds on the worker count.
   *
   * @param minWorkers fewest workers, at least 0
   * @param maxWorkers most workers, at least {@code max(1, minWorkers)}
   * @return 50 waiting and 10 active per worker, within the bounds
   */
  public static ScalingPolicy guide(int minWorkers, int maxWorkers) {
    return new ScalingPolicy(GUIDE.waitingPerWorker, GUIDE.activePerWorker, minWorkers, maxWorkers);
  }

  /**
   * Workers the queue needs now.
   *
   * @param stats the queue's counts
   * @return the desired worker count, within {@code [minWorkers, maxWorkers]}
   */
  public int desiredWorkers(QueueStats stats) {
    if (stats.paused()) {
      return minWorkers;
    }
    long forBacklog = ceilDiv(stats.waiting(), waitingPerWorker);
    long forActive = ceilDiv(stats.active(), activePerWorker);
    long wanted = Math.max(forBacklog, forActive);
    return (int) Math.max(minWorkers, Math.min(maxWorkers, wanted));
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b); // Math.ceilDiv is Java 18+
  }
}
