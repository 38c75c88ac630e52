package com.snapasset.spi;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueException;
import com.snapasset.QueueStats;
import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEventListener;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.spi.queue.SweepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A durable job queue with BullMQ-like semantics. Payloads and results are opaque strings (the
 * engine writes JSON); the queue stores them and never looks inside.
 *
 * <p><b>Ordering.</b> Lower priority numbers are claimed first; within one priority, first in first
 * out. A delayed job becomes ready at its time.
 *
 * <p><b>Locks.</b> A claim holds the job under a caller-chosen token until the lock expires unless
 * renewed. Every call that changes an active job takes the token and does nothing (returning {@code
 * false} or {@link LockStatus#LOST}) when the caller no longer holds the lock, so a worker that lost
 * its lock cannot overwrite the work of the worker that took the job over.
 *
 * <p><b>Attempts.</b> {@code attemptsMade} counts finished attempts: it grows by one on {@link
 * #complete} and {@link #fail}, not on a stall or a {@link #release}.
 *
 * <p><b>Events.</b> Every state change is published to {@link #subscribe subscribers}; a shared
 * queue publishes to subscribers in every process.
 *
 * <p>Implementations are thread-safe and make each operation atomic. Backend failures throw {@link
 * QueueException}.
 */
public interface JobQueue extends AutoCloseable {

  /**
   * Adds a job, unless one with the same id exists, in which case that one is returned unchanged
   * (de-duplication).
   */
  AddResult add(NewJob job);

  /**
   * Atomically promotes delayed jobs that are due, then claims the next ready job for {@code
   * request.token()}, unless the queue is paused or the rate limit is reached. Never hands one job
   * to two claimers. Does not block.
   */
  Claim claim(ClaimRequest request);

  /**
   * Blocks until work may be available (a job was added or retried, a delayed job falls due, the
   * queue was resumed) or {@code maxWait} has passed. Spurious returns are allowed; callers claim
   * again after it returns.
   */
  void awaitWork(Duration maxWait) throws InterruptedException;

  /** Extends the lock of an active job held under {@code token}. */
  LockStatus renewLock(JobId id, String token, Duration lockDuration);

  /** Records progress 0–100 of an active job held under {@code token}. */
  boolean progress(JobId id, String token, int progress);

  /** Completes an active job held under {@code token}, storing {@code result}. */
  boolean complete(JobId id, String token, String result);

  /**
   * Fails the current attempt of an active job held under {@code token}: with {@code retryAt} the
   * job is delayed until then, without it the job fails for good with {@code reason}.
   */
  boolean fail(JobId id, String token, String reason, @Nullable Instant retryAt);

  /**
   * Puts an active job held under {@code token} back to waiting without counting an attempt (used
   * by a worker shutting down).
   */
  boolean release(JobId id, String token);

  /**
   * Finds active jobs whose lock expired: each goes back to waiting, or fails with a reason saying
   * it stalled, once it has stalled more than {@code maxStalledCount} times.
   */
  SweepResult sweepStalled(int maxStalledCount);

  /** A snapshot of the job, if the queue holds it. */
  Optional<QueuedJob> find(JobId id);

  /**
   * Jobs in {@code state}: waiting ones in the order they will be claimed, finished ones newest
   * first.
   */
  List<QueuedJob> list(JobState state, int offset, int limit);

  /** Counts per state. */
  QueueStats stats();

  /** Stops handing out jobs; adding still works. */
  void pause();

  /** Hands out jobs again. */
  void resume();

  /** Whether {@link #pause()} is in force. */
  boolean isPaused();

  /**
   * Removes up to {@code limit} jobs in a finished {@code state} that finished more than {@code
   * grace} ago; returns how many.
   */
  int clean(JobState state, Duration grace, int limit);

  /** Removes a job that is not active; returns whether it was removed. */
  boolean remove(JobId id);

  /**
   * Asks for an active job to be cancelled: from now on {@link #renewLock} answers {@link
   * LockStatus#CANCELLED} to its holder, which stops and fails it. Returns whether the job was
   * active.
   */
  boolean cancel(JobId id);

  /** Moves a failed job back to waiting with its attempts reset; returns whether it was failed. */
  boolean retry(JobId id);

  /** Starts delivering events to {@code listener} until the subscription is closed. */
  Subscription subscribe(QueueEventListener listener);

  /** Releases connections and threads the queue owns. */
  @Override
  void close();
}
