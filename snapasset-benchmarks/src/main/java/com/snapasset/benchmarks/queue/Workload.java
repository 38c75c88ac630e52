package com.snapasset.benchmarks.queue;

/**
 * The sizes of one benchmark run; the BullMQ script receives the same numbers.
 *
 * @param addSequential jobs added one by one, each add awaited before the next
 * @param addConcurrent jobs added by {@code addConcurrency} callers at once
 * @param addConcurrency callers (threads here, in-flight promises in Node) for concurrent adds
 * @param process jobs processed per concurrency level
 * @param latencyJobs jobs of the trickle whose add→completed latency is measured
 * @param latencySpacingMicros pause between two trickle jobs
 * @param latencyConcurrency worker concurrency during the trickle
 */
record Workload(
    int addSequential,
    int addConcurrent,
    int addConcurrency,
    int process,
    int latencyJobs,
    int latencySpacingMicros,
    int latencyConcurrency) {

  static final int[] PROCESS_CONCURRENCY = {1, 10, 50};

  static Workload standard() {
    return new Workload(10_000, 15_000, 32, 15_000, 1_000, 2_000, 10);
  }

  static Workload warmUp() {
    return new Workload(3_000, 5_000, 32, 5_000, 200, 1_000, 10);
  }

  /** The same workload with every job count multiplied by {@code factor} (for quick runs). */
  Workload scaled(double factor) {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("--scale must be above 0, was " + factor);
    }
    return new Workload(n(addSequential, factor), n(addConcurrent, factor), addConcurrency,
        n(process, factor), n(latencyJobs, factor), latencySpacingMicros, latencyConcurrency);
  }

  private static int n(int count, double factor) {
    return Math.max(100, (int) Math.round(count * factor));
  }

  String toJson() {
    return "{\"addSequential\":" + addSequential + ",\"addConcurrent\":" + addConcurrent
        + ",\"addConcurrency\":" + addConcurrency + ",\"process\":" + process
        + ",\"latencyJobs\":" + latencyJobs + ",\"latencySpacingMicros\":" + latencySpacingMicros
        + ",\"latencyConcurrency\":" + latencyConcurrency + "}";
  }
}
