package com.snapasset.spring;

import com.snapasset.AssetGenerator;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs one worker while the application context runs. Stopping is graceful: the worker stops
 * claiming, active jobs get {@link WorkerOptions#shutdownGrace()} to finish, and the rest go back to
 * the queue for another instance. It stops in the default phase, i.e. before the web server's
 * graceful shutdown and long before the ports' beans are closed.
 */
final class SnapAssetWorkerLifecycle implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(SnapAssetWorkerLifecycle.class);

  private final AssetGenerator generator;
  private final WorkerOptions options;
  private volatile @Nullable Worker worker;

  SnapAssetWorkerLifecycle(AssetGenerator generator, WorkerOptions options) {
    this.generator = generator;
    this.options = options;
  }

  @Override
  public synchronized void start() {
    if (worker == null) {
      worker = generator.startWorker(options);
      log.info("SnapAsset worker started ({} concurrent jobs)", options.concurrency());
    }
  }

  @Override
  public void stop() {
    Worker w;
    synchronized (this) {
      w = worker;
      worker = null;
    }
    if (w != null) {
      w.close(); // graceful: waits up to shutdownGrace for active jobs
      log.info("SnapAsset worker stopped");
    }
  }

  @Override
  public boolean isRunning() {
    return worker != null;
  }

  WorkerOptions options() {
    return options;
  }

  /** The running worker, if any (for tests and diagnostics). */
  @Nullable Worker worker() {
    return worker;
  }
}
