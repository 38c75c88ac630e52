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
import com.snapasset.spi.queue.Completion;
import com.snapasset.spi.queue.Completions;
import com.snapasset.spi.queue.FinishedJob;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims jobs and runs them on {@code concurrency} threads: renews their locks, enforces their
 * timeouts, beats its heartbeat and sweeps the jobs of dead workers, stops a job the moment it is
 * cancelled, and turns failures into retries or final failures — or, when a dependency rather than
 * the job is at fault, into a postponement that spends no attempt (see {@link Outages}).
 *
 * <p>Talking to the queue is itself subject to outages (Redis restarting): progress is
 * best-effort, and the outcome of a job (completion, failure, postponement) is retried until it
 * is recorded or the job's lock would have run out anyway.
 */
final class QueueWorker implements Worker {
  private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);
  /**
   * How long close() waits, past the shutdown grace, for what it has stopped: job threads told to
   * stop, and a call to the queue under way on the timer.
   */
  private static final long STOP_WAIT_SECONDS = 10;
  private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
  private static final long RECORD_RETRY_MIN_MILLIS = 100;
  private static final long RECORD_RETRY_MAX_MILLIS = 2_000;
  /**
   * Most jobs a chain claims at once, when its jobs are short (see {@link #runChain}). 16, not 8:
   * with a no-op job Redis's CPU per job is what bounds a busy worker (issue 15), and each call
   * has a fixed cost (the script's gate lookups, one pop, one add and one removal per set). In a
   * loaded A/B at c10/c50 (snapasset-benchmarks README, "ProcessProfile") the Redis commands per
   * job went 10.3-10.4 -> 7.8-8.0 in all, of which the batched completion script (one ZMSCORE,
   * one ZADD) gave about 1.7 and 16 instead of 8 about 0.7 and half the script calls per job
   * (0.13-0.15 -> 0.07-0.09); redis-server CPU per job was too noisy there to split.
   *
   * <p>The cost: a batched call that is lost (the connection drops after Redis ran it) strands up
   * to 16 claimed jobs, not 8, until their locks expire ({@code lockDuration}); each then counts
   * one stall without having run. And the gain holds for short jobs only: a round of 16 jobs of
   * more than about 125 µs each outlasts {@link #LATE_RECORD_MILLIS}, so its completions are
   * recorded in parts (by the timer) - no worse than 8, but no better.
   */
  static final int MAX_BATCH = 16;
  /** A job that ran for less than this is short: the next claim may take several. */
  private static final long SHORT_JOB_NANOS = TimeUnit.MICROSECONDS.toNanos(250);
  /** The longest a finished job's completion waits to be recorded with others'. */
  private static final long LATE_RECORD_MILLIS = 2;
  /** How long a claim's word that it took the last ready job is trusted by the next claimer. */
  private static final long LAST_READY_FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final String name;
  private final String workerId;
  private final JobQueue queue;
  private final Outages outages;
  private final JobHandler handler;
  private final WorkerOptions options;
  private final Clock clock;
  private final FailurePolicy failures = new FailurePolicy(new Random());
  private final ExecutorService jobThreads;
  private final ScheduledExecutorService scheduler;
  /** Held by the thread whose turn it is to claim (see {@link #serve}). */
  private final ReentrantLock claimTurn = new ReentrantLock();
  private final Object claimerGuard = new Object();
  /** The thread claiming now, which close() interrupts out of awaitWork; guarded by claimerGuard. */
  private @Nullable Thread claimer;
  private final Map<JobId, Running> running = new ConcurrentHashMap<>();
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final AtomicLong claims = new AtomicLong();
  /**
   * When a claim of this worker last took the last ready job ({@link Claim#lastReady}; a
   * System.nanoTime stamp, never 0), or 0: the next claimer waits for work instead of claiming.
   */
  private final AtomicLong lastReadyAtNanos = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private @Nullable Subscription cancelEvents;
  /** Since when heartbeats have succeeded without a break after a failure (System.nanoTime), or null. */
  private volatile @Nullable Long beatingAgainSince;
  private volatile boolean beatFailed;
  private volatile long lastSweepNanos = Long.MIN_VALUE;
  private volatile long shortJobNanos = SHORT_JOB_NANOS;
  /** After how long a running job releases the claimed jobs waiting behind it (see {@link #runChain}). */
  private volatile long releaseWaitingNanos = SHORT_JOB_NANOS;
  private volatile long lastReadyFreshNanos = LAST_READY_FRESH_NANOS;
  /**
   * Set when a call that completes several jobs and claims several failed: the jobs it may have
   * claimed are lost until their locks expire, so chains claim one at a time until a single
   * completion-and-claim succeeds again (see {@link #recordAndClaim}).
   */
  private volatile boolean batchedCallFailed;
  /** Completions the timer is recording (see {@link #recordOnTimer}); close() records what is left. */
  private final Set<TimerBatch> onTimer = ConcurrentHashMap.newKeySet();

  public QueueWorker(String name, JobQueue queue, JobHandler handler, WorkerOptions options, Clock clock) {
    this(name, queue, handler, options, clock, Outages.disabled(clock));
  }

  public QueueWorker(
      String name, JobQueue queue, JobHandler handler, WorkerOptions options, Clock clock, Outages outages) {
    this.name = name;
    // Unique across processes: the queue tells dead workers from live ones by it.
    this.workerId = name + "-" + Long.toHexString(new Random().nextLong() >>> 16);
    this.outages = outages;
    this.queue = queue;
    this.handler = handler;
    this.options = options;
    this.clock = clock;
    this.jobThreads = Executors.newFixedThreadPool(options.concurrency(), new NamedThreads(name + "-job"));
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, new NamedThreads(name + "-timer"));
    // Every job schedules its timeout and cancels it when done: kept, the cancelled ones would pile
    // up in the timer's queue for a whole timeout (millions at thousands of jobs a second).
    timer.setRemoveOnCancelPolicy(true);
    this.scheduler = timer;
  }

  /**
   * Below how long a job counts as short (see {@link #runChain}), and after how long a running job
   * releases the claimed jobs waiting behind it; tests set it before start(): {@link
   * Duration#ZERO} keeps every chain at one job per call, a long duration batches every job.
   */
  QueueWorker shortJobsUnder(Duration duration) {
    this.shortJobNanos = duration.toNanos();
    this.releaseWaitingNanos = duration.toNanos();
    return this;
  }

  /** How long a claim's {@link Claim#lastReady} is trusted; tests on a slow machine set it longer. */
  QueueWorker lastReadyFreshFor(Duration duration) {
    this.lastReadyFreshNanos = duration.toNanos();
    return this;
  }

  /** After how long a running job releases the claimed jobs waiting behind it; tests set it after {@link #shortJobsUnder}. */
  QueueWorker releaseWaitingAfter(Duration duration) {
    this.releaseWaitingNanos = duration.toNanos();
    return this;
  }

  /** Starts claiming. */
  public QueueWorker start() {
    try {
      // Only cancellations: a networked queue then does not ship every job's every event here.
      cancelEvents = queue.subscribe(Set.of(QueueEvent.Type.CANCEL_REQUESTED), this::onQueueEvent);
    } catch (RuntimeException e) {
      log.warn("worker {} cannot hear cancel events ({}); cancellation falls back to lock renewal", name, e.toString());
    }
    beat();
    long renew = options.lockRenewInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::renewLocks, renew, renew, TimeUnit.MILLISECONDS);
    long beat = options.heartbeatInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::beatAndSweep, 0, beat, TimeUnit.MILLISECONDS);
    for (int i = 0; i < options.concurrency(); i++) {
      jobThreads.execute(this::serve);
    }
    log.info("worker {} started as {}: concurrency {}", name, workerId, options.concurrency());
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int activeJobs() {
    // Only jobs running now: claimed ones waiting their turn in a batch, and finished ones whose
    // completion is held to be recorded with others, are in running too (their locks are renewed).
    int active = 0;
    for (Running r : running.values()) {
      if (r.active()) {
        active++;
      }
    }
    return active;
  }

  @Override
  public boolean isRunning() {
    return !closed.get();
  }

  /** The id the queue knows this worker by (its name plus a random part). */
  public String workerId() {
    return workerId;
  }

  private void onQueueEvent(QueueEvent event) {
    if (event.type() == QueueEvent.Type.CANCEL_REQUESTED) {
      Running r = running.get(event.jobId());
      if (r != null) {
        log.info("job {} cancelled: stopping it", event.jobId());
        r.abort(Abort.CANCELLED);
      }
    }
  }

  /**
   * What each of the worker's {@code concurrency} threads does (leader/followers): the threads
   * take turns being the one claimer; the claimer that gets a job gives up the turn to the next
   * waiting thread and runs the job itself. A job so starts on the thread that claimed it — no
   * hand-off, and no wake-up of another thread, between the claim and the work — while an idle
   * worker still has only one thread asking the queue (and blocking in {@code awaitWork}).
   */
  private void serve() {
    while (!closed.get()) {
      Claimed claimed;
      try {
        claimTurn.lockInterruptibly();
      } catch (InterruptedException e) {
        continue; // only close() interrupts a thread waiting for its turn; the loop sees closed
      }
      try {
        synchronized (claimerGuard) {
          claimer = Thread.currentThread();
        }
        claimed = claimNext();
      } finally {
        synchronized (claimerGuard) {
          claimer = null;
          Thread.interrupted(); // an interrupt by close() was for the claimer, not for the job
        }
        claimTurn.unlock();
      }
      if (claimed != null) {
        runChain(claimed);
      }
    }
  }

  /** Claims until a job is claimed (returned) or the worker closes (null). */
  private @Nullable Claimed claimNext() {
    boolean waitFirst = false; // after a claim found nothing: wait for work, then claim
    while (!closed.get()) {
      try {
        Duration outage = outages.claimWait();
        if (!outage.isZero()) {
          // A dependency is down: claiming would only take jobs we cannot finish.
          stopSignal.await(outage.toMillis() + 1, TimeUnit.MILLISECONDS);
          waitFirst = false;
          continue;
        }
        long lastReadyAt = lastReadyAtNanos.getAndSet(0);
        // A claim moments ago took the last ready job: wait for more instead of asking for none.
        waitFirst |= lastReadyAt != 0 && System.nanoTime() - lastReadyAt < lastReadyFreshNanos;
        String token = newToken();
        // Waiting and claiming in one call: a networked queue sends the claim with its wait, so
        // the woken thread has its job without another round trip and wake-up.
        boolean waited = waitFirst;
        Claim claim = waited
            ? queue.awaitWorkAndClaim(IDLE_WAIT, claimRequest(token))
            : queue.claim(claimRequest(token));
        waitFirst = false;
        if (claim.job().isPresent()) {
          Claimed claimed = claimed(claim.job().get(), token);
          if (waited && !outages.claimWait().isZero()) {
            // A dependency went down during the wait: waiting, then checking, then claiming would
            // not have taken this job. Back to the queue with it; the loop waits out the outage.
            // (So an outage that starts during an idle wait shows as a claim, an ACTIVE event and
            // a release, where waiting then claiming would have shown nothing.)
            releaseUnstarted(claimed, false, 0);
            continue;
          }
          noteLastReady(claim);
          return claimed;
        } else if (!claim.rateLimitedFor().isZero()) {
          stopSignal.await(claim.rateLimitedFor().toMillis(), TimeUnit.MILLISECONDS);
        } else {
          waitFirst = true;
        }
      } catch (InterruptedException e) {
        return null; // close(): the caller's loop sees closed
      } catch (RuntimeException e) {
        log.warn("worker {} could not claim a job; trying again shortly: {}", name, e.toString());
        // Next time an ordinary claim: a queue whose awaitWorkAndClaim alone fails (a command the
        // store refuses) must not stop this worker claiming.
        waitFirst = false;
        try {
          stopSignal.await(IDLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
          return null;
        }
      }
    }
    return null;
  }

  /** Remembers a claim that took the last ready job, for the thread that claims next. */
  private void noteLastReady(Claim claim) {
    if (claim.lastReady()) {
      long now = System.nanoTime();
      lastReadyAtNanos.set(now == 0 ? 1 : now);
    }
  }

  /** Unique per claim: the worker id is unique across processes, the counter within this one. */
  private String newToken() {
    return workerId + ":" + claims.incrementAndGet();
  }

  private ClaimRequest claimRequest(String token) {
    return new ClaimRequest(token, options.lockDuration(), options.rateLimit(), workerId);
  }

  /**
   * Runs a claimed job and, as long as each completion brings the next jobs with it, the jobs that
   * follow, on this thread: a busy worker pays one queue call per job and no thread hand-off
   * (BullMQ's worker fetches the next job with the same call that finishes one).
   *
   * <p>When every job of a round ran for less than {@link #SHORT_JOB_NANOS}, the next call
   * claims twice as many (up to {@link #MAX_BATCH}) and the round's completions are recorded
   * together, with the claims, in one call ({@link JobQueue#completeAllAndClaim}): very short
   * jobs then cost a fraction of a round trip and of a thread wake-up each. A job that ends
   * while claimed ones still wait to run has its completion held for {@link #LATE_RECORD_MILLIS}
   * at most before the timer tries to record it (if the next job runs longer); while the queue is
   * unreachable the timer keeps trying for as long as the job's lock would last, and the lock is
   * renewed meanwhile, like every job in {@link #running}. A job that runs longer than the
   * short-job threshold while claimed ones wait behind it releases them to the queue (the timer
   * does), so they do not wait for it; and one long job puts the batch back to one, so jobs that
   * take real time (any image job) run exactly as one claim per completion.
   */
  private void runChain(Claimed first) {
    Waiting ready = new Waiting();
    ready.add(List.of(first));
    Unrecorded unrecorded = new Unrecorded();
    int batch = 1;
    boolean allShort = true;
    // Closing: one deadline for all the chain's releases (their locks were taken together), not one
    // each, or up to MAX_BATCH of them would each retry for a lock's duration after close().
    long releaseBy = 0;
    boolean releasing = false;
    while (true) {
      Claimed next = ready.poll();
      if (next == null) {
        return;
      }
      if (closed.get()) {
        if (!releasing) {
          releasing = true;
          releaseBy = System.nanoTime() + options.lockDuration().toNanos();
        }
        // Claimed but not started: back to the queue for another worker, as a stopping worker does.
        releaseUnstarted(next, true, releaseBy);
        if (ready.isEmpty()) {
          recordAndClaim(unrecorded.take(), 0);
        }
        continue;
      }
      long started = System.nanoTime();
      ready.running(started);
      String result = run(next);
      allShort &= System.nanoTime() - started < shortJobNanos;
      boolean last = ready.ranOne();
      if (result != null) {
        unrecorded.add(new Done(next, result), !last);
      }
      if (last) {
        List<Done> done = unrecorded.take();
        if (done.isEmpty()) {
          // Nothing to record: the last job failed (its failure is recorded), or the timer took
          // the completions just now. Either way the claim loop claims the next job.
          return;
        }
        batch = allShort && !batchedCallFailed ? Math.min(batch * 2, MAX_BATCH) : 1;
        allShort = true;
        ready.add(recordAndClaim(done, batch));
      }
    }
  }

  /**
   * The claimed jobs of a chain waiting their turn. While some wait, one timer task per round
   * watches the job running ahead of them: once it has run longer than a short job, the waiting
   * ones are released to the queue (another worker, or another thread of this one, takes them)
   * instead of waiting for it. One task a round, not one a job: scheduling a task due before all
   * others wakes the timer thread.
   */
  private final class Waiting {
    private final ArrayDeque<Claimed> ready = new ArrayDeque<>();
    /** Since when (System.nanoTime) the job running now runs, or null between jobs. */
    private @Nullable Long runningSince;
    private @Nullable ScheduledFuture<?> watch;

    synchronized void add(List<Claimed> claimed) {
      ready.addAll(claimed);
    }

    synchronized @Nullable Claimed poll() {
      return ready.poll();
    }

    synchronized boolean isEmpty() {
      return ready.isEmpty();
    }

    /** A job starts; the ones waiting behind it, if any, are watched. */
    synchronized void running(long since) {
      runningSince = since;
      if (!ready.isEmpty() && watch == null) {
        watchIn(releaseWaitingNanos);
      }
    }

    /** The job ended; returns whether none waits (the round is over). */
    synchronized boolean ranOne() {
      runningSince = null;
      if (ready.isEmpty() && watch != null) {
        watch.cancel(false);
        watch = null;
      }
      return ready.isEmpty();
    }

    private void watchIn(long nanos) {
      try {
        watch = scheduler.schedule(this::check, nanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        watch = null; // closing: the chain releases them itself
      }
    }

    private void check() {
      List<Claimed> waiting;
      synchronized (this) {
        watch = null;
        if (ready.isEmpty()) {
          return;
        }
        long ran = runningSince == null ? 0 : System.nanoTime() - runningSince;
        if (ran < releaseWaitingNanos) {
          watchIn(releaseWaitingNanos - ran);
          return;
        }
        waiting = new ArrayList<>(ready);
        ready.clear();
      }
      log.debug("a job runs long: releasing the {} claimed job(s) waiting behind it", waiting.size());
      for (Claimed c : waiting) {
        releaseUnstarted(c, false, 0); // the timer never sleeps: one try each
      }
    }
  }

  /** A job claimed under a token, registered in {@link #running} from the claim on. */
  private record Claimed(QueuedJob job, String token, Running running) {}

  /** A job that ran to completion, its result not yet recorded. */
  private record Done(Claimed claimed, String result) {}

  private Claimed claimed(QueuedJob job, String token) {
    Running r = new Running(job.id(), token);
    running.put(job.id(), r);
    return new Claimed(job, token, r);
  }

  /**
   * Settles a claimed job that will not run here: a job cancelled while it waited is failed as a
   * cancelled running job is (releasing it would clear the cancel request and let it run
   * elsewhere); a job whose lock was lost is left to its new owner; any other goes back to the
   * queue. {@code retry}: try again while the queue is unreachable (not on the timer thread),
   * until {@code deadline} (System.nanoTime).
   */
  private void releaseUnstarted(Claimed c, boolean retry, long deadline) {
    Abort abort = c.running.finish(); // from here on no abort reaches it: the answer is final
    QueuedJob job = c.job;
    try {
      if (abort == Abort.LOST) {
        log.warn("job {} claimed but not started: its lock was lost to another worker", job.id());
      } else if (abort == Abort.CANCELLED) {
        String reason = FailurePolicy.reason(Abort.CANCELLED.asError(JobOptions.defaults()));
        BooleanSupplier fail = () -> queue.fail(job.id(), c.token, reason, null);
        if (retry) {
          durably("fail", job, deadline, fail);
        } else {
          fail.getAsBoolean();
        }
      } else {
        BooleanSupplier release = () -> queue.release(job.id(), c.token);
        if (retry) {
          durably("release", job, deadline, release);
        } else {
          release.getAsBoolean();
        }
      }
    } catch (RuntimeException e) {
      log.warn("job {} claimed but not started could not be released; its lock will expire", job.id(), e);
    } finally {
      running.remove(job.id(), c.running);
    }
  }

  /**
   * Completions a chain has not recorded yet; if one waits longer than {@link
   * #LATE_RECORD_MILLIS} (the job after it runs long), the timer records them.
   */
  private final class Unrecorded {
    private final List<Done> done = new ArrayList<>();
    private @Nullable ScheduledFuture<?> late;

    synchronized void add(Done d, boolean moreToRun) {
      done.add(d);
      if (moreToRun && late == null) {
        try {
          late = scheduler.schedule(this::recordLate, LATE_RECORD_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          // closing: the chain records what it holds before its thread ends
        }
      }
    }

    synchronized List<Done> take() {
      if (late != null) {
        late.cancel(false);
        late = null;
      }
      List<Done> out = List.copyOf(done);
      done.clear();
      return out;
    }

    private void recordLate() {
      TimerBatch batch;
      synchronized (this) {
        late = null;
        if (done.isEmpty()) {
          return;
        }
        // Registered before the chain can see its list empty: close() then finds it if the
        // chain's thread ends while the timer still tries.
        batch = new TimerBatch(List.copyOf(done));
        done.clear();
        onTimer.add(batch);
      }
      recordOnTimer(batch, System.nanoTime() + options.lockDuration().toNanos(), RECORD_RETRY_MIN_MILLIS);
    }
  }

  /** Completions the timer took from a chain; {@link #onTimer} holds it until it is settled. */
  private static final class TimerBatch {
    final List<Done> done;
    /** Held while a try runs: the timer's, or close()'s, which records what the timer could not. */
    final ReentrantLock lock = new ReentrantLock();
    /** Recorded, or given up on; guarded by lock. */
    boolean settled;

    TimerBatch(List<Done> done) {
      this.done = done;
    }
  }

  /**
   * Records completions from the timer thread in one call. The timer also renews locks and times
   * jobs out, so it never sleeps: while the queue is unreachable it schedules the next try (as
   * {@link #durably} would pause), for as long as the jobs' locks would last. A batch still
   * unrecorded when the worker closes is recorded by close() (see {@link #recordHeldCompletions}).
   */
  private void recordOnTimer(TimerBatch batch, long deadlineNanos, long pauseMillis) {
    if (!batch.lock.tryLock()) {
      return; // close() is recording it
    }
    try {
      if (batch.settled) {
        return;
      }
      try {
        recordTogether(batch.done);
      } catch (RuntimeException e) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) < deadlineNanos) {
          log.warn("could not complete {} job(s) ({}); trying again in {} ms", batch.done.size(), e.toString(), pauseMillis);
          try {
            long next = Math.min(pauseMillis * 2, RECORD_RETRY_MAX_MILLIS);
            scheduler.schedule(() -> recordOnTimer(batch, deadlineNanos, next), pauseMillis, TimeUnit.MILLISECONDS);
            return;
          } catch (RejectedExecutionException stopped) {
            return; // the worker is closing: close() records it
          }
        }
        log.error("worker {} could not record the completion of {} job(s); their locks will expire and they will be retried",
            name, batch.done.size(), e);
      }
      settle(batch);
    } finally {
      batch.lock.unlock();
    }
  }

  /** Call with the batch's lock held. */
  private void settle(TimerBatch batch) {
    batch.settled = true;
    onTimer.remove(batch);
    for (Done d : batch.done) {
      running.remove(d.claimed.job.id(), d.claimed.running);
    }
  }

  /**
   * close(): records the completions the timer still holds (its tries are about to be thrown
   * away with the timer), on the closing thread, trying again while the queue is unreachable for
   * at most the shutdown grace. Unrecorded, the jobs would run again, and their entries in
   * {@link #running} would keep the worker from leaving the queue.
   */
  private void recordHeldCompletions() {
    long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
    for (TimerBatch batch : onTimer) {
      batch.lock.lock(); // waits for a try of the timer's in progress
      try {
        if (batch.settled) {
          continue;
        }
        try {
          durably("complete", batch.done.get(0).claimed.job, deadline, () -> {
            recordTogether(batch.done);
            return true;
          });
        } catch (RuntimeException e) {
          log.error("worker {} could not record the completion of {} job(s) before stopping; their locks will expire and they will be retried",
              name, batch.done.size(), e);
        }
        settle(batch);
      } finally {
        batch.lock.unlock();
      }
    }
  }

  /** Records completions in one call that claims nothing. */
  private void recordTogether(List<Done> done) {
    Completions c = queue.completeAllAndClaim(finishedJobs(done), List.of());
    checkAnswer(c, done.size(), 0);
    for (int i = 0; i < done.size(); i++) {
      warnIfLost(done.get(i), c.completed().get(i));
    }
  }

  private static List<FinishedJob> finishedJobs(List<Done> done) {
    List<FinishedJob> finished = new ArrayList<>(done.size());
    for (Done d : done) {
      finished.add(new FinishedJob(d.claimed.job.id(), d.claimed.token, d.result));
    }
    return finished;
  }

  /**
   * A third-party queue's answer of the wrong shape fails here, clearly, before anything of it is
   * used (instead of an IndexOutOfBoundsException halfway through a batch).
   */
  private static void checkAnswer(Completions c, int finished, int requested) {
    if (c.completed().size() != finished || c.claims().size() > requested) {
      throw new IllegalStateException("JobQueue.completeAllAndClaim answered " + c.completed().size()
          + " completion(s) and " + c.claims().size() + " claim(s) for " + finished + " finished job(s) and "
          + requested + " claim request(s); it must answer one completion per finished job and at most one claim per request");
    }
  }

  /**
   * Records completions and, unless the worker is stopping or a dependency is down, claims up to
   * {@code claims} jobs in the same queue call. If that call fails, whether it completed the jobs
   * is unknown: each completion is then recorded on its own, durably (a repeat answers false if
   * the lost call did complete it), and nothing is claimed.
   *
   * <p>Residual risk: the jobs the lost call may have claimed (up to {@code claims}) cannot be
   * released — their ids were in the lost answer, and a queue cannot be asked which jobs a token
   * holds — so they wait until their locks expire and are then recovered like any stalled job
   * (each counting once toward maxStalledCount without having run). To keep that to one job per
   * failure, as before batching, chains claim one at a time after a failed batched call until a
   * single completion-and-claim succeeds again ({@link #batchedCallFailed}).
   *
   * @return the jobs claimed, registered in {@link #running}
   */
  private List<Claimed> recordAndClaim(List<Done> done, int claims) {
    try {
      if (claims > 0 && !closed.get() && outages.claimWait().isZero()) {
        List<Claimed> next = completeAndClaim(done, claims);
        if (next != null) {
          return next;
        }
      }
      for (Done d : done) {
        QueuedJob job = d.claimed.job;
        if (!durably("complete", job, () -> queue.complete(job.id(), d.claimed.token, d.result))) {
          log.warn("job {} finished but its lock was lost: another worker owns it now", job.id());
        }
      }
      return List.of();
    } catch (RuntimeException e) {
      log.error("worker {} could not record the outcome of {} job(s); their locks will expire and they will be retried",
          name, done.size(), e);
      return List.of();
    } finally {
      for (Done d : done) {
        // By value: the same call may have claimed this job again (its lock was lost, and it
        // went back to waiting); that new claim's entry must stay.
        running.remove(d.claimed.job.id(), d.claimed.running);
      }
    }
  }

  /** The one queue call; null when it failed. */
  private @Nullable List<Claimed> completeAndClaim(List<Done> done, int claims) {
    if (done.size() == 1 && claims == 1) {
      try {
        Done d = done.get(0);
        String token = newToken();
        Completion c = queue.completeAndClaim(d.claimed.job.id(), d.claimed.token, d.result, claimRequest(token));
        batchedCallFailed = false;
        warnIfLost(d, c.completed());
        noteLastReady(c.next());
        return c.next().job().map(job -> List.of(claimed(job, token))).orElse(List.of());
      } catch (RuntimeException e) {
        log.debug("completing a job and claiming failed ({}); recording the completion alone", e.toString());
        return null;
      }
    }
    try {
      List<ClaimRequest> requests = new ArrayList<>(claims);
      for (int i = 0; i < claims; i++) {
        requests.add(claimRequest(newToken()));
      }
      Completions c = queue.completeAllAndClaim(finishedJobs(done), requests);
      checkAnswer(c, done.size(), claims);
      for (int i = 0; i < done.size(); i++) {
        warnIfLost(done.get(i), c.completed().get(i));
      }
      List<Claimed> next = new ArrayList<>(c.claims().size());
      for (int i = 0; i < c.claims().size(); i++) {
        Optional<QueuedJob> job = c.claims().get(i).job();
        noteLastReady(c.claims().get(i));
        if (job.isPresent()) {
          next.add(claimed(job.get(), requests.get(i).token()));
        }
      }
      return next;
    } catch (RuntimeException e) {
      batchedCallFailed = true;
      if (e instanceof IllegalStateException) {
        log.warn("worker {}: {}; recording the completions alone", name, e.getMessage());
      } else {
        log.debug("completing {} job(s) and claiming failed ({}); recording the completions alone",
            done.size(), e.toString());
      }
      return null;
    }
  }

  private void warnIfLost(Done d, boolean completed) {
    if (!completed) {
      log.warn("job {} finished but its lock was lost: another worker owns it now", d.claimed.job.id());
    }
  }

  /**
   * Runs one job. Returns its result when it ran to completion, its completion not yet
   * recorded (the job stays in {@link #running}, its lock renewed, until it is); otherwise
   * records the failure, removes the job from {@link #running} and returns null.
   */
  private @Nullable String run(Claimed claimed) {
    QueuedJob job = claimed.job;
    String token = claimed.token;
    Running r = claimed.running;
    boolean succeeded = false;
    ScheduledFuture<?> timeout = null;
    try {
      Abort before = r.start(Thread.currentThread());
      if (before != null) {
        // Cancelled, lost or released while it waited its turn in a claimed batch.
        settleFailure(job, token, before, before.asError(JobOptions.defaults()), JobOptions.defaults());
        return null;
      }
      JobHandler.Prepared prepared;
      try {
        prepared = handler.prepare(job);
      } catch (RuntimeException e) {
        queue.fail(job.id(), token, "job payload is not readable: " + e.getMessage(), null);
        return null;
      }
      JobOptions jobOptions = prepared.options();
      timeout = scheduler.schedule(() -> r.abort(Abort.TIMEOUT), jobOptions.timeout().toMillis(), TimeUnit.MILLISECONDS);
      Throwable error;
      try {
        String result = prepared.run(percent -> {
          if (r.abort() == null) {
            try {
              queue.progress(job.id(), token, percent);
            } catch (RuntimeException e) {
              // Progress is a courtesy: it must never fail an attempt whose image is paid for.
              log.debug("progress of job {} not recorded: {}", job.id(), e.toString());
            }
          }
        });
        Abort abort = r.finish();
        if (abort == null) {
          succeeded = true;
          return result;
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
      return null;
    } catch (RuntimeException e) {
      log.error("worker {} could not record the outcome of job {}; its lock will expire and it will be retried",
          name, job.id(), e);
      return null;
    } finally {
      if (timeout != null) {
        timeout.cancel(false);
      }
      r.finish();
      if (!succeeded) {
        running.remove(job.id(), r);
      }
      Thread.interrupted(); // an abort that raced the end of the job must not reach the next one
    }
  }

  private void settleFailure(QueuedJob job, String token, @Nullable Abort abort, Throwable error, JobOptions jobOptions) {
    if (abort == Abort.LOST) {
      log.warn("job {} stopped: its lock was lost to another worker", job.id());
      return;
    }
    if (abort == Abort.RELEASED) {
      durably("release", job, () -> queue.release(job.id(), token));
      log.info("job {} released back to the queue on shutdown", job.id());
      return;
    }
    String reason = FailurePolicy.reason(error);
    if (abort == Abort.CANCELLED) {
      durably("fail", job, () -> queue.fail(job.id(), token, reason, null));
      return;
    }
    Outages.Postponement later = abort == null ? outages.onFailure(error, job) : null;
    if (later != null) {
      if (later.rateLimitFor() != null) {
        try {
          queue.rateLimit(later.rateLimitFor());
        } catch (RuntimeException e) {
          log.debug("could not hold the queue back for the rate limit: {}", e.toString());
        }
      }
      log.info("job {} waits until {} without spending an attempt: {}", job.id(), later.until(), reason);
      durably("postpone", job, () -> queue.postpone(job.id(), token, later.until(), reason));
      return;
    }
    int attempt = job.attemptsMade() + 1;
    Instant retryAt = failures.retryAt(error, attempt, jobOptions, clock.instant());
    if (retryAt != null) {
      log.info("job {} attempt {}/{} failed, retrying at {}: {}", job.id(), attempt, jobOptions.attempts(), retryAt, reason);
    } else {
      log.warn("job {} failed for good after attempt {}/{}: {}", job.id(), attempt, jobOptions.attempts(), reason);
    }
    durably("fail", job, () -> queue.fail(job.id(), token, reason, retryAt));
  }

  /**
   * Records a job's outcome, trying again while the queue is unreachable (e.g. Redis restarting),
   * for as long as the job's lock would last: giving up earlier would leave the job to stall and
   * run again, though its work is done.
   *
   * @return what the queue answered: false when the lock was lost
   */
  private boolean durably(String what, QueuedJob job, BooleanSupplier action) {
    return durably(what, job, System.nanoTime() + options.lockDuration().toNanos(), action);
  }

  /** As {@link #durably(String, QueuedJob, BooleanSupplier)}, trying until {@code deadline} (System.nanoTime). */
  private boolean durably(String what, QueuedJob job, long deadline, BooleanSupplier action) {
    long pause = RECORD_RETRY_MIN_MILLIS;
    while (true) {
      try {
        return action.getAsBoolean();
      } catch (RuntimeException e) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
          throw e;
        }
        log.warn("could not {} job {} ({}); trying again in {} ms", what, job.id(), e.toString(), pause);
        try {
          Thread.sleep(pause); // a pause between tries of a call that failed, not a wait for a condition
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pause = Math.min(pause * 2, RECORD_RETRY_MAX_MILLIS);
      }
    }
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

  /** Registers this worker as alive; returns whether the queue heard it. */
  private boolean beat() {
    try {
      queue.heartbeat(workerId, options.workerTimeout());
      if (beatFailed) {
        beatFailed = false;
        beatingAgainSince = System.nanoTime();
      }
      return true;
    } catch (RuntimeException e) {
      beatFailed = true;
      beatingAgainSince = null;
      log.warn("worker {} heartbeat failed: {}", name, e.toString());
      return false;
    }
  }

  private void beatAndSweep() {
    if (!beat()) {
      return;
    }
    Long since = beatingAgainSince;
    if (since != null) {
      // After an outage of the queue every worker's beats lapsed together; the live ones beat again
      // within an interval. Judge nobody dead until ours has run a full timeout again.
      if (System.nanoTime() - since < options.workerTimeout().toNanos()) {
        return;
      }
      beatingAgainSince = null;
    }
    long now = System.nanoTime();
    if (lastSweepNanos != Long.MIN_VALUE && now - lastSweepNanos < options.stalledCheckInterval().toNanos()) {
      return;
    }
    lastSweepNanos = now;
    sweepStalled();
  }

  private void sweepStalled() {
    try {
      var result = queue.sweepStalled(options.maxStalledCount(), options.maxWorkerLosses());
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
    synchronized (claimerGuard) {
      if (claimer != null) {
        claimer.interrupt(); // out of awaitWork; running jobs are left to finish
      }
    }
    jobThreads.shutdown();
    try {
      if (!jobThreads.awaitTermination(options.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        for (Running r : running.values()) {
          r.abort(Abort.RELEASED);
        }
        if (!jobThreads.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
          log.warn("worker {}: {} job(s) did not stop; their locks will expire", name, running.size());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      recordHeldCompletions();
      scheduler.shutdownNow();
      try {
        // A call the timer has under way (a release of the jobs waiting behind a long one, a
        // renewal): returned before it ends, close() would leave a call of this worker's to the
        // queue running after it (the caller may close the queue next), and a job it is releasing
        // would still be in running, keeping the worker from leaving the queue.
        if (!scheduler.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
          log.warn("worker {}: a call to the queue from its timer did not end", name);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (cancelEvents != null) {
        cancelEvents.close();
      }
      if (running.isEmpty()) {
        try {
          queue.leave(workerId);
        } catch (RuntimeException e) {
          log.debug("worker {} could not say goodbye to the queue: {}", name, e.toString());
        }
      }
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

  /** A claimed job, the thread running it once started, and why (if at all) it was told to stop. */
  private static final class Running {
    final JobId id;
    final String token;
    private @Nullable Thread thread;
    private @Nullable Abort abort;
    private boolean finished;

    Running(JobId id, String token) {
      this.id = id;
      this.token = token;
    }

    /** The job starts on {@code runner}; returns the abort reason if one came before. */
    synchronized @Nullable Abort start(Thread runner) {
      thread = runner;
      return abort;
    }

    synchronized void abort(Abort reason) {
      if (finished || abort != null) {
        return;
      }
      abort = reason;
      if (thread != null) {
        thread.interrupt();
      }
    }

    synchronized @Nullable Abort abort() {
      return abort;
    }

    /** Marks the job done; returns the abort reason, if one came first. */
    synchronized @Nullable Abort finish() {
      finished = true;
      return abort;
    }

    /** Running now: started and not finished (not waiting its turn, nor done). */
    synchronized boolean active() {
      return thread != null && !finished;
    }
  }
}
