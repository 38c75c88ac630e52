package com.snapasset.internal;

import com.snapasset.JobId;
import com.snapasset.JobOptions;
import com.snapasset.JobTimeoutException;
import com.snapasset.SnapAssetException;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.QueuedJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims jobs and runs them on {@code concurrency} threads: renews their locks, enforces their
 * timeouts, sweeps stalled jobs of dead workers, and turns failures into retries or final failures.
 */
final class QueueWorker implements Worker {
  private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);
  private static final Duration IDLE_WAIT = Duration.ofSeconds(1);

  private final String name;
  private final JobQueue queue;
  private final JobHandler handler;
  private final WorkerOptions options;
  private final Clock clock;
  private final FailurePolicy failures = new FailurePolicy(new Random());
  private final Semaphore slots;
  private final ExecutorService jobThreads;
  private final ScheduledExecutorService scheduler;
  private final Thread dispatcher;
  private final Map<JobId, Running> running = new ConcurrentHashMap<>();
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();

  public QueueWorker(String name, JobQueue queue, JobHandler handler, WorkerOptions options, Clock clock) {
    this.name = name;
    this.queue = queue;
    this.handler = handler;
    this.options = options;
    this.clock = clock;
    this.slots = new Semaphore(options.concurrency());
    this.jobThreads = Executors.newFixedThreadPool(options.concurrency(), new NamedThreads(name + "-job"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(new NamedThreads(name + "-timer"));
    this.dispatcher = new NamedThreads(name + "-dispatch").newThread(this::dispatch);
  }

  /** Starts claiming. */
  public QueueWorker start() {
    long renew = options.lockRenewInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::renewLocks, renew, renew, TimeUnit.MILLISECONDS);
    long sweep = options.stalledCheckInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::sweepStalled, 0, sweep, TimeUnit.MILLISECONDS);
    dispatcher.start();
    log.info("worker {} started: concurrency {}", name, options.concurrency());
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int activeJobs() {
    return running.size();
  }

  @Override
  public boolean isRunning() {
    return !closed.get();
  }

  private void dispatch() {
    while (!closed.get()) {
      boolean handedOff = false;
      try {
        slots.acquire();
        if (closed.get()) {
          break;
        }
        String token = name + ":" + UUID.randomUUID();
        Claim claim = queue.claim(new ClaimRequest(token, options.lockDuration(), options.rateLimit()));
        if (claim.job().isPresent()) {
          QueuedJob job = claim.job().get();
          jobThreads.execute(() -> run(job, token));
          handedOff = true;
        } else if (!claim.rateLimitedFor().isZero()) {
          stopSignal.await(claim.rateLimitedFor().toMillis(), TimeUnit.MILLISECONDS);
        } else {
          queue.awaitWork(IDLE_WAIT);
        }
      } catch (InterruptedException e) {
        if (!closed.get()) {
          log.warn("worker {} dispatcher interrupted; stopping", name);
        }
        break;
      } catch (RuntimeException e) {
        log.warn("worker {} could not claim a job; trying again shortly: {}", name, e.toString());
        try {
          stopSignal.await(IDLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
          break;
        }
      } finally {
        if (!handedOff) {
          slots.release();
        }
      }
    }
  }

  private void run(QueuedJob job, String token) {
    Running r = new Running(job.id(), token, Thread.currentThread());
    running.put(job.id(), r);
    ScheduledFuture<?> timeout = null;
    try {
      JobHandler.Prepared prepared;
      try {
        prepared = handler.prepare(job);
      } catch (RuntimeException e) {
        queue.fail(job.id(), token, "job payload is not readable: " + e.getMessage(), null);
        return;
      }
      JobOptions jobOptions = prepared.options();
      timeout = scheduler.schedule(() -> r.abort(Abort.TIMEOUT), jobOptions.timeout().toMillis(), TimeUnit.MILLISECONDS);
      Throwable error;
      try {
        String result = prepared.run(percent -> {
          if (r.abort() == null) {
            queue.progress(job.id(), token, percent);
          }
        });
        Abort abort = r.finish();
        if (abort == null) {
          if (!queue.complete(job.id(), token, result)) {
            log.warn("job {} finished but its lock was lost: another worker owns it now", job.id());
          }
          return;
        }
        error = abort.asError(jobOptions);
      } catch (Throwable t) {
        Abort abort = r.finish();
        error = abort != null ? abort.asError(jobOptions) : t;
        if (t instanceof Error && !(t instanceof AssertionError) && abort == null) {
          log.error("job {} hit a JVM error", job.id(), t);
        }
      }
      settleFailure(job, token, r.abort(), error, jobOptions);
    } catch (RuntimeException e) {
      log.error("worker {} could not record the outcome of job {}; its lock will expire and it will be retried",
          name, job.id(), e);
    } finally {
      if (timeout != null) {
        timeout.cancel(false);
      }
      r.finish();
      running.remove(job.id());
      Thread.interrupted(); // an abort that raced the end of the job must not reach the next one
      slots.release();
    }
  }

  private void settleFailure(QueuedJob job, String token, @Nullable Abort abort, Throwable error, JobOptions jobOptions) {
    if (abort == Abort.LOST) {
      log.warn("job {} stopped: its lock was lost to another worker", job.id());
      return;
    }
    if (abort == Abort.RELEASED) {
      queue.release(job.id(), token);
      log.info("job {} released back to the queue on shutdown", job.id());
      return;
    }
    String reason = FailurePolicy.reason(error);
    if (abort == Abort.CANCELLED) {
      queue.fail(job.id(), token, reason, null);
      return;
    }
    int attempt = job.attemptsMade() + 1;
    Instant retryAt = failures.retryAt(error, attempt, jobOptions, clock.instant());
    if (retryAt != null) {
      log.info("job {} attempt {}/{} failed, retrying at {}: {}", job.id(), attempt, jobOptions.attempts(), retryAt, reason);
    } else {
      log.warn("job {} failed for good after attempt {}/{}: {}", job.id(), attempt, jobOptions.attempts(), reason);
    }
    queue.fail(job.id(), token, reason, retryAt);
  }

  private void renewLocks() {
    for (Running r : running.values()) {
      try {
        LockStatus status = queue.renewLock(r.id, r.token, options.lockDuration());
        if (status == LockStatus.LOST) {
          r.abort(Abort.LOST);
        } else if (status == LockStatus.CANCELLED) {
          r.abort(Abort.CANCELLED);
        }
      } catch (RuntimeException e) {
        log.warn("renewing the lock of job {} failed: {}", r.id, e.toString());
      }
    }
  }

  private void sweepStalled() {
    try {
      var result = queue.sweepStalled(options.maxStalledCount());
      if (!result.recovered().isEmpty() || !result.failed().isEmpty()) {
        log.warn("stalled jobs: {} back to waiting, {} failed", result.recovered(), result.failed());
      }
    } catch (RuntimeException e) {
      log.warn("stalled-job sweep failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopSignal.countDown();
    dispatcher.interrupt();
    jobThreads.shutdown();
    try {
      dispatcher.join(5_000);
      if (!jobThreads.awaitTermination(options.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        for (Running r : running.values()) {
          r.abort(Abort.RELEASED);
        }
        if (!jobThreads.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("worker {}: {} job(s) did not stop; their locks will expire", name, running.size());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      scheduler.shutdownNow();
      log.info("worker {} stopped", name);
    }
  }

  /** Why a running job was told to stop. */
  private enum Abort {
    TIMEOUT,
    CANCELLED,
    LOST,
    RELEASED;

    Throwable asError(JobOptions options) {
      return switch (this) {
        case TIMEOUT -> new JobTimeoutException(options.timeout());
        case CANCELLED -> new SnapAssetException("job was cancelled");
        case LOST -> new SnapAssetException("lock lost", null, true);
        case RELEASED -> new SnapAssetException("worker shut down", null, true);
      };
    }
  }

  /** A job on a worker thread, and why (if at all) it was told to stop. */
  private static final class Running {
    final JobId id;
    final String token;
    private final Thread thread;
    private @Nullable Abort abort;
    private boolean finished;

    Running(JobId id, String token, Thread thread) {
      this.id = id;
      this.token = token;
      this.thread = thread;
    }

    synchronized void abort(Abort reason) {
      if (finished || abort != null) {
        return;
      }
      abort = reason;
      thread.interrupt();
    }

    synchronized @Nullable Abort abort() {
      return abort;
    }

    /** Marks the job done; returns the abort reason, if one came first. */
    synchronized @Nullable Abort finish() {
      finished = true;
      return abort;
    }
  }
}
