package com.snapasset.internal;

import com.snapasset.JobOptions;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.queue.QueuedJob;
import java.time.Clock;

/**
 * The engine's production {@link QueueWorker} with a job handler that does nothing: what {@code
 * AssetGenerator.startWorker} runs (claim under a lock, lock renewal, heartbeats and stalled-job
 * sweeps, cancel events, job timeout, recording the outcome), minus the image pipeline. BullMQ's
 * side of the comparison is its {@code Worker} with an empty processor, the same thing.
 *
 * <p>It lives in the engine's package, inside the benchmarks module only, because the public API
 * has no way to start a worker without the generation pipeline: a stub image provider would add
 * decoding, rendering and encoding to every "no-op" job and measure the imaging instead of the
 * queue. On the class path (SnapAsset has no module descriptor) this class sees the
 * package-private worker exactly as the engine does.
 */
public final class NoOpWorkers {
  /** Parsed once: a production handler parses the job's options from its payload per claim. */
  private static final JobOptions OPTIONS = JobOptions.defaults();

  private NoOpWorkers() {}

  /**
   * Starts a production worker on {@code queue} whose jobs do nothing.
   *
   * @param queue the queue to claim from
   * @param options concurrency, lock, heartbeat and sweep settings, as for {@code startWorker}
   * @param progressUpdates progress reports per job (0 for a no-op like BullMQ's empty processor)
   * @return the running worker; close it to stop
   */
  public static Worker start(JobQueue queue, WorkerOptions options, int progressUpdates) {
    JobHandler handler = job -> new JobHandler.Prepared() {
      @Override
      public JobOptions options() {
        return OPTIONS;
      }

      @Override
      public String run(JobContext context) {
        for (int i = 1; i <= progressUpdates; i++) {
          context.progress(i * 100 / (progressUpdates + 1));
        }
        return "";
      }
    };
    return new QueueWorker("bench", queue, handler, options, Clock.systemUTC()).start();
  }
}
