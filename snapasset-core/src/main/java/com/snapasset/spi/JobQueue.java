package com.snapasset.spi;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueException;
import com.snapasset.QueueStats;
import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.Completion;
import com.snapasset.spi.queue.Completions;
import com.snapasset.spi.queue.FinishedJob;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueueEventListener;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.spi.queue.SweepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * #complete} and {@link #fail}, not on a stall, a {@link #release} or a {@link #postpone}.
 *
 * <p><b>Liveness.</b> A worker that claims with a {@linkplain ClaimRequest#workerId() worker id}
 * and {@linkplain #heartbeat beats} regularly is taken for dead once a beat's time-to-live passes:
 * the next {@link #sweepStalled sweep} returns its jobs to waiting at once, without waiting for
 * their locks to expire and without counting a stall against them (the job was not at fault).
 * A job whose workers die under it more than {@code maxWorkerLosses} times is a suspected poison
 * pill and fails, with a reason saying so.
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
   *
   * @param job the job to add
   * @return the job now in the queue, and whether this call created it
   */
  AddResult add(NewJob job);

  /**
   * Adds a job as {@link #add} does, without the calling thread waiting for the queue's answer:
   * one thread can keep many adds in flight, as a Node.js caller keeps many promises. Adds one
   * thread makes one after another take effect in that order, as with {@link #add}: jobs of one
   * priority are claimed in the order they were submitted.
   *
   * <p>Errors are delivered as the rest of the SPI delivers them, split the way {@code
   * java.net.http.HttpClient.sendAsync} and Lettuce split them: a bad argument (a null job) is
   * thrown by this call, as {@link #add} throws it; a failure of the backend ({@link QueueException})
   * completes the future exceptionally and is never thrown here.
   *
   * <p>The future completes on a thread of the queue's choosing (the calling thread when the
   * answer is at hand, e.g. in memory); dependent stages given to its non-{@code Async} methods
   * run there, so they must not block — chain with the {@code Async} methods for work that does.
   * Completing or cancelling the returned future does not take the add back.
   *
   * <p>The default calls {@link #add} on the calling thread and returns a completed future: right
   * for a queue in memory. A networked queue should send the add and return at once.
   *
   * @param job the job to add
   * @return the job now in the queue and whether this call created it, once the queue answered
   * @throws NullPointerException when {@code job} is null
   */
  default CompletableFuture<AddResult> addAsync(NewJob job) {
    Objects.requireNonNull(job, "job");
    try {
      return CompletableFuture.completedFuture(add(job));
    } catch (QueueException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Atomically promotes delayed jobs that are due, then claims the next ready job for {@code
   * request.token()}, unless the queue is paused or the rate limit is reached. Never hands one job
   * to two claimers. Does not block.
   *
   * @param request the claimer's token, lock duration and rate limit
   * @return the claimed job, none, or how long the rate limit holds
   */
  Claim claim(ClaimRequest request);

  /**
   * Blocks until work may be available (a job was added or retried, a delayed job falls due, the
   * queue was resumed) or {@code maxWait} has passed. Spurious returns are allowed; callers claim
   * again after it returns.
   *
   * @param maxWait the longest wait
   * @throws InterruptedException when the waiting thread is interrupted
   */
  void awaitWork(Duration maxWait) throws InterruptedException;

  /**
   * Waits as {@link #awaitWork} does, then claims as {@link #claim} does: what an idle worker does
   * next. A networked queue can send both together, so that the woken worker has its job without
   * one more round trip (and one more thread wake-up) per idle claim.
   *
   * <p>The default calls {@link #awaitWork} and then {@link #claim}. An implementation may also
   * claim while it waits and return as soon as a claim finds a job; it may return none (or the
   * rate limit) earlier than {@code maxWait}, like a spurious return of {@code awaitWork}, and
   * none when it closed during the wait.
   *
   * <p>A claim sent ahead runs later than the call that sent it, so an implementation may take
   * its time from the store's clock, corrected by its measured offset from the queue's own clock
   * (lock expiry, rate-limit windows and delayed jobs then still follow the queue's clock, to
   * within that measurement). And a claim whose answer never arrives (the store stalled) is not
   * sent again under the same token: the call returns none, and a job that claim took is given
   * back by {@link #sweepStalled} once its lock expires.
   *
   * <p>An interrupt does not undo a claim that found a job: the job may be returned with the
   * thread's interrupt status set, and the caller holds it as any claimed job — it must run it or
   * {@link #release} it, or its lock expires and it counts as stalled.
   *
   * @param maxWait the longest wait
   * @param request the claimer's token, lock duration and rate limit
   * @return the claimed job, none, or how long the rate limit holds
   * @throws InterruptedException when the waiting thread is interrupted and no job was claimed; an
   *     implementation may instead return none (or the rate limit) with the interrupt status set,
   *     when the interrupt comes as its last claim runs
   */
  default Claim awaitWorkAndClaim(Duration maxWait, ClaimRequest request) throws InterruptedException {
    awaitWork(maxWait);
    return claim(request);
  }

  /**
   * Extends the lock of an active job held under {@code token}.
   *
   * @param id the job
   * @param token the token the job was claimed under
   * @param lockDuration the new lock duration, from now
   * @return whether the lock is still held, lost, or the job was cancelled
   */
  LockStatus renewLock(JobId id, String token, Duration lockDuration);

  /**
   * Records progress 0–100 of an active job held under {@code token}.
   *
   * @param id the job
   * @param token the token the job was claimed under
   * @param progress 0–100
   * @return false when the caller no longer holds the lock
   */
  boolean progress(JobId id, String token, int progress);

  /**
   * Completes an active job held under {@code token}, storing {@code result}.
   *
   * @param id the job
   * @param token the token the job was claimed under
   * @param result the result, opaque to the queue
   * @return false when the caller no longer holds the lock
   */
  boolean complete(JobId id, String token, String result);

  /**
   * Completes an active job held under {@code token}, as {@link #complete}, then claims the next
   * job for {@code next}, as {@link #claim}, whatever the completion answered. BullMQ's
   * {@code moveToFinished} with its next-job fetch: a busy worker finishes one job and starts the
   * next in one round trip instead of two. The two steps need not be one atomic step; each is
   * atomic as on its own.
   *
   * <p>The default calls {@link #complete} and then {@link #claim}; a networked queue should do
   * both in one call.
   *
   * @param id the job to complete
   * @param token the token it was claimed under
   * @param result the result, opaque to the queue
   * @param next the claim to make after completing
   * @return whether the job was completed (false when the lock was lost), and the next claim
   */
  default Completion completeAndClaim(JobId id, String token, String result, ClaimRequest next) {
    boolean completed = complete(id, token, result);
    return new Completion(completed, claim(next));
  }

  /**
   * Completes several jobs, as {@link #complete} does each, then claims up to {@code next.size()}
   * jobs, one per request in order, as {@link #claim} does, stopping after the first request that
   * gets no job. A worker whose jobs are very short records a few of them and takes as many new
   * ones in one round trip instead of one per job. The steps need not be one atomic step; each is
   * atomic as on its own.
   *
   * <p>The default calls {@link #complete} for each finished job and then {@link #claim} for each
   * request; a networked queue should do it all in one call.
   *
   * @param finished the jobs to complete, in order (may be empty)
   * @param next the claims to make after completing, each under its own token (may be empty)
   * @return one answer per finished job, and the claims made
   */
  default Completions completeAllAndClaim(List<FinishedJob> finished, List<ClaimRequest> next) {
    List<Boolean> completed = new ArrayList<>(finished.size());
    for (FinishedJob f : finished) {
      completed.add(complete(f.id(), f.token(), f.result()));
    }
    List<Claim> claims = new ArrayList<>(next.size());
    for (ClaimRequest request : next) {
      Claim claim = claim(request);
      claims.add(claim);
      if (claim.job().isEmpty()) {
        break;
      }
    }
    return new Completions(completed, claims);
  }

  /**
   * Fails the current attempt of an active job held under {@code token}: with {@code retryAt} the
   * job is delayed until then, without it the job fails for good with {@code reason}.
   *
   * @param id the job
   * @param token the token the job was claimed under
   * @param reason why the attempt failed
   * @param retryAt when to try again, or null to fail for good
   * @return false when the caller no longer holds the lock
   */
  boolean fail(JobId id, String token, String reason, @Nullable Instant retryAt);

  /**
   * Puts an active job held under {@code token} back to waiting without counting an attempt (used
   * by a worker shutting down).
   *
   * @param id the job
   * @param token the token the job was claimed under
   * @return false when the caller no longer holds the lock
   */
  boolean release(JobId id, String token);

  /**
   * Puts an active job held under {@code token} back to waiting without counting an attempt or a
   * stall, ready again at {@code until} (at once when that is not in the future); {@code reason}
   * is kept as its latest failed reason, so whoever looks sees why it waits. For trouble that is
   * not the job's fault: a rate limit, a dependency that is down. BullMQ's {@code RateLimitError}.
   *
   * <p>The default releases the job (ready at once): implementations should keep the time.
   *
   * @param id the job
   * @param token the holder's lock token
   * @param until when the job is ready again
   * @param reason why it waits, kept as its latest failed reason
   * @return whether the job was held under {@code token} and went back to waiting
   */
  default boolean postpone(JobId id, String token, Instant until, String reason) {
    return release(id, token);
  }

  /**
   * Holds back every claim of this queue, by every worker sharing it, for {@code duration} from
   * now; claims meanwhile answer {@link Claim#rateLimited}. A longer hold in force is kept. BullMQ's
   * {@code worker.rateLimit(ms)}: what a worker calls when the provider answered 429.
   *
   * <p>The default does nothing: each worker then only backs off itself.
   *
   * @param duration how long from now claims are held back; a shorter hold than one already in
   *     force changes nothing
   */
  default void rateLimit(Duration duration) {}

  /**
   * Records that worker {@code workerId} is alive for {@code ttl} from now. One call per worker per
   * beat, however many jobs it holds.
   *
   * <p>The default does nothing: jobs are then recovered only when their locks expire.
   *
   * @param workerId the beating worker's id, the one it passes in {@link ClaimRequest#workerId()}
   * @param ttl how long from now the worker counts as alive without another beat; its jobs are
   *     recovered by {@link #sweepStalled(int, int)} once it runs out
   */
  default void heartbeat(String workerId, Duration ttl) {}

  /**
   * Forgets a worker that stopped cleanly (after releasing its jobs). The default does nothing.
   *
   * @param workerId the id the worker beat with in {@link #heartbeat(String, Duration)}
   */
  default void leave(String workerId) {}

  /**
   * Recovers the jobs of dead workers and of expired locks. A job whose worker's heartbeat ran out
   * goes back to waiting without a stall counted, or fails as a suspected poison pill once its
   * workers died under it more than {@code maxWorkerLosses} times. A job whose lock expired while
   * its worker lived (or whose worker does not beat) goes back to waiting with a stall counted, or
   * fails with a reason saying it stalled once it has stalled more than {@code maxStalledCount}
   * times.
   *
   * @param maxStalledCount how many times a job's lock may expire under a live worker; one more fails it
   * @param maxWorkerLosses how many of its workers a job may outlive; one more marks it a poison pill and fails it
   * @return the jobs sent back to waiting and the jobs failed by this sweep
   */
  SweepResult sweepStalled(int maxStalledCount, int maxWorkerLosses);

  /**
   * {@link #sweepStalled(int, int)} with {@value #DEFAULT_MAX_WORKER_LOSSES} worker losses allowed.
   *
   * @param maxStalledCount how many times a job's lock may expire under a live worker; one more fails it
   * @return the jobs sent back to waiting and the jobs failed by this sweep
   */
  default SweepResult sweepStalled(int maxStalledCount) {
    return sweepStalled(maxStalledCount, DEFAULT_MAX_WORKER_LOSSES);
  }

  /** How many dead workers a job may outlive before it counts as a poison pill, by default. */
  int DEFAULT_MAX_WORKER_LOSSES = 3;

  /**
   * A snapshot of the job, if the queue holds it.
   *
   * @param id the job
   * @return the job, or empty when the queue does not hold it
   */
  Optional<QueuedJob> find(JobId id);

  /**
   * Jobs in {@code state}: waiting ones in the order they will be claimed, finished ones newest
   * first.
   *
   * @param state the state
   * @param offset jobs to skip, 0 or more
   * @param limit most jobs returned, 1 or more
   * @return at most {@code limit} jobs
   */
  List<QueuedJob> list(JobState state, int offset, int limit);

  /**
   * Counts per state.
   *
   * @return the counts now
   */
  QueueStats stats();

  /** Stops handing out jobs; adding still works. */
  void pause();

  /** Hands out jobs again. */
  void resume();

  /**
   * Whether {@link #pause()} is in force.
   *
   * @return true while paused
   */
  boolean isPaused();

  /**
   * Removes up to {@code limit} jobs in a finished {@code state} that finished more than {@code
   * grace} ago; returns how many.
   *
   * @param state {@link JobState#COMPLETED} or {@link JobState#FAILED}
   * @param grace how long ago a job must have finished
   * @param limit most jobs removed
   * @return the number of jobs removed
   */
  int clean(JobState state, Duration grace, int limit);

  /**
   * Removes a job that is not active; returns whether it was removed.
   *
   * @param id the job
   * @return whether it was removed
   */
  boolean remove(JobId id);

  /**
   * Asks for an active job to be cancelled: publishes {@link com.snapasset.spi.queue.QueueEvent.Type#CANCEL_REQUESTED} at
   * once (to subscribers in every process sharing the queue), and from now on {@link #renewLock}
   * answers {@link LockStatus#CANCELLED} to its holder, which stops and fails it. Returns whether
   * the job was active.
   *
   * @param id the job
   * @return whether the job was active
   */
  boolean cancel(JobId id);

  /**
   * Moves a failed job back to waiting with its attempts reset; returns whether it was failed.
   *
   * @param id the job
   * @return whether the job was failed
   */
  boolean retry(JobId id);

  /**
   * Starts delivering events to {@code listener} until the subscription is closed.
   *
   * <p>Must return only once every event published after it returns will be delivered (the
   * built-in queues do; Redis waits for the server's confirmation): the engine subscribes on demand,
   * when the first job listener or waiter registers, and relies on this so that they hear every
   * later event. A queue whose {@code subscribe} returns before it delivers makes a listener just
   * added, or an {@code await} just started, miss the events published in between (an await is
   * then woken only by its periodic re-read of the job).
   *
   * <p>A failure to subscribe should be thrown as {@link com.snapasset.QueueException}: it reaches
   * the caller of {@code AssetGenerator.addListener} (or {@code await}) that needed the
   * subscription, and that listener is not registered.
   *
   * @param listener called on the queue's threads; must not block
   * @return the subscription to close
   */
  Subscription subscribe(QueueEventListener listener);

  /**
   * Starts delivering the events of the given types to {@code listener} until the subscription is
   * closed: a worker that only needs {@link QueueEvent.Type#CANCEL_REQUESTED} need not hear every
   * job's every state change.
   *
   * <p>The default subscribes to every event and passes on the requested types; a networked
   * queue should not ship the others to this process at all.
   *
   * @param types the event types wanted, not empty
   * @param listener called on the queue's threads; must not block
   * @return the subscription to close
   */
  default Subscription subscribe(Set<QueueEvent.Type> types, QueueEventListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (types.isEmpty()) {
      throw new IllegalArgumentException("types must name at least one QueueEvent.Type");
    }
    Set<QueueEvent.Type> wanted = Set.copyOf(types);
    return subscribe(event -> {
      if (wanted.contains(event.type())) {
        listener.onEvent(event);
      }
    });
  }

  /** Releases connections and threads the queue owns. */
  @Override
  void close();
}
