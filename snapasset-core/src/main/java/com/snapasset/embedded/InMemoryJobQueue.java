package com.snapasset.embedded;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueStats;
import com.snapasset.RateLimit;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.Listeners;
import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueueEventListener;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.spi.queue.SweepResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JobQueue} in this JVM's memory: for one process, tests, and as the reference
 * implementation of the queue contract. Jobs do not survive the JVM.
 *
 * <p>One lock guards all state; claims take O(log n) from priority-ordered sets. Events are
 * delivered in the order of the changes, outside the lock, on a thread that made a change.
 */
public final class InMemoryJobQueue implements JobQueue {
  private static final Logger log = LoggerFactory.getLogger(InMemoryJobQueue.class);

  private static final Comparator<Entry> CLAIM_ORDER =
      Comparator.comparingInt((Entry e) -> e.priority).thenComparingLong(e -> e.seq);
  private static final Comparator<Entry> DUE_ORDER =
      Comparator.comparing((Entry e) -> Objects.requireNonNull(e.delayedUntil)).thenComparingLong(e -> e.seq);

  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition workChanged = lock.newCondition();
  private final Map<JobId, Entry> jobs = new HashMap<>();
  private final TreeSet<Entry> waiting = new TreeSet<>(CLAIM_ORDER);
  private final TreeSet<Entry> delayed = new TreeSet<>(DUE_ORDER);
  private final Map<JobId, Entry> active = new HashMap<>();
  private final LinkedHashSet<Entry> completed = new LinkedHashSet<>();
  private final LinkedHashSet<Entry> failed = new LinkedHashSet<>();
  private final Listeners<QueueEventListener> listeners = new Listeners<>("queue event listener");
  /** The types each open subscription wants; guarded by itself. Their union is {@link #wantedTypes}. */
  private final List<Set<QueueEvent.Type>> subscribedTypes = new ArrayList<>();
  /** One bit per {@link QueueEvent.Type#ordinal()} some subscriber wants: no event is queued for none. */
  private volatile int wantedTypes;
  private final Queue<QueueEvent> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private long nextSeq;
  private boolean paused;
  private long windowStart = Long.MIN_VALUE;
  private int startedInWindow;
  private Instant holdUntil = Instant.MIN;
  /** Live workers and when their latest heartbeat runs out. */
  private final Map<String, Instant> workers = new HashMap<>();

  private InMemoryJobQueue(Clock clock) {
    this.clock = clock;
  }

  /**
   * A queue on the system clock.
   *
   * @return an empty queue on the system clock
   */
  public static InMemoryJobQueue create() {
    return new InMemoryJobQueue(Clock.systemUTC());
  }

  /**
   * A queue reading time from {@code clock} (tests move it by hand).
   *
   * @param clock the clock of delays, locks and timestamps
   * @return an empty queue
   */
  public static InMemoryJobQueue create(Clock clock) {
    return new InMemoryJobQueue(Objects.requireNonNull(clock, "clock"));
  }

  @Override
  public AddResult add(NewJob job) {
    AddResult result;
    lock.lock();
    try {
      Entry existing = jobs.get(job.id());
      if (existing != null) {
        return new AddResult(existing.snapshot(), false);
      }
      Entry e = new Entry(job, nextSeq++, clock.instant());
      jobs.put(e.id, e);
      makeWaiting(e);
      result = new AddResult(e.snapshot(), true);
    } finally {
      lock.unlock();
    }
    drain();
    return result;
  }

  @Override
  public Claim claim(ClaimRequest request) {
    Claim claim;
    lock.lock();
    try {
      Instant now = clock.instant();
      promoteDue(now);
      if (paused || waiting.isEmpty()) {
        return Claim.none();
      }
      if (now.isBefore(holdUntil)) {
        return Claim.rateLimited(Duration.between(now, holdUntil));
      }
      RateLimit limit = request.rateLimit();
      if (limit != null) {
        long nowMs = now.toEpochMilli();
        long windowMs = limit.window().toMillis();
        if (windowStart == Long.MIN_VALUE || nowMs - windowStart >= windowMs) {
          windowStart = nowMs;
          startedInWindow = 0;
        }
        if (startedInWindow >= limit.max()) {
          return Claim.rateLimited(Duration.ofMillis(windowStart + windowMs - nowMs));
        }
        startedInWindow++;
      }
      Entry e = waiting.pollFirst();
      e.state = JobState.ACTIVE;
      e.token = request.token();
      e.workerId = request.workerId();
      e.lockUntil = now.plus(request.lockDuration());
      e.cancelled = false;
      e.processedAt = now;
      e.progress = 0;
      active.put(e.id, e);
      emit(new QueueEvent(QueueEvent.Type.ACTIVE, e.id, e.attemptsMade + 1, null));
      // awaitWork looks at the waiting and delayed jobs before it waits: it may be told.
      claim = waiting.isEmpty() ? Claim.ofLastReady(e.snapshot()) : Claim.of(e.snapshot());
    } finally {
      lock.unlock();
    }
    drain();
    return claim;
  }

  @Override
  public void awaitWork(Duration maxWait) throws InterruptedException {
    lock.lock();
    try {
      long nanos = maxWait.toNanos();
      if (!paused && !waiting.isEmpty()) {
        return;
      }
      if (!paused && !delayed.isEmpty()) {
        Duration untilDue = Duration.between(clock.instant(), delayed.first().delayedUntil);
        nanos = Math.min(nanos, Math.max(0, untilDue.toNanos()));
      }
      if (nanos > 0) {
        workChanged.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public LockStatus renewLock(JobId id, String token, Duration lockDuration) {
    lock.lock();
    try {
      Entry e = held(id, token);
      if (e == null) {
        return LockStatus.LOST;
      }
      e.lockUntil = clock.instant().plus(lockDuration);
      return e.cancelled ? LockStatus.CANCELLED : LockStatus.HELD;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean progress(JobId id, String token, int progress) {
    if (progress < 0 || progress > 100) {
      throw new IllegalArgumentException("progress must be 0-100, was " + progress);
    }
    lock.lock();
    try {
      Entry e = held(id, token);
      if (e == null) {
        return false;
      }
      e.progress = progress;
      emit(new QueueEvent(QueueEvent.Type.PROGRESS, id, progress, null));
    } finally {
      lock.unlock();
    }
    drain();
    return true;
  }

  @Override
  public boolean complete(JobId id, String token, String result) {
    lock.lock();
    try {
      Entry e = held(id, token);
      if (e == null) {
        return false;
      }
      active.remove(id);
      e.state = JobState.COMPLETED;
      e.result = result;
      e.progress = 100;
      e.attemptsMade++;
      e.finishedAt = clock.instant();
      e.token = null;
      e.workerId = null;
      completed.add(e);
      trim(completed, e.keepCompleted);
      emit(new QueueEvent(QueueEvent.Type.COMPLETED, id, 0, result));
    } finally {
      lock.unlock();
    }
    drain();
    return true;
  }

  @Override
  public boolean fail(JobId id, String token, String reason, @Nullable Instant retryAt) {
    lock.lock();
    try {
      Entry e = held(id, token);
      if (e == null) {
        return false;
      }
      active.remove(id);
      e.token = null;
      e.workerId = null;
      e.attemptsMade++;
      e.failedReason = reason;
      if (retryAt != null) {
        e.state = JobState.DELAYED;
        e.delayedUntil = retryAt;
        delayed.add(e);
        workChanged.signalAll();
        emit(new QueueEvent(QueueEvent.Type.RETRYING, id, 0, reason));
      } else {
        finishFailed(e);
        emit(new QueueEvent(QueueEvent.Type.FAILED, id, 0, reason));
      }
    } finally {
      lock.unlock();
    }
    drain();
    return true;
  }

  @Override
  public boolean release(JobId id, String token) {
    lock.lock();
    try {
      Entry e = held(id, token);
      if (e == null) {
        return false;
      }
      active.remove(id);
      e.token = null;
      e.workerId = null;
      makeWaiting(e);
    } finally {
      lock.unlock();
    }
    drain();
    return true;
  }

  @Override
  public boolean postpone(JobId id, String token, Instant until, String reason) {
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(reason, "reason");
    lock.lock();
    try {
      Entry e = held(id, token);
      if (e == null) {
        return false;
      }
      active.remove(id);
      e.token = null;
      e.workerId = null;
      e.failedReason = reason;
      if (until.isAfter(clock.instant())) {
        e.state = JobState.DELAYED;
        e.delayedUntil = until;
        delayed.add(e);
      } else {
        e.state = JobState.WAITING;
        waiting.add(e);
      }
      workChanged.signalAll();
      emit(new QueueEvent(QueueEvent.Type.RETRYING, id, 0, reason));
    } finally {
      lock.unlock();
    }
    drain();
    return true;
  }

  @Override
  public void rateLimit(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    lock.lock();
    try {
      Instant until = clock.instant().plus(duration);
      if (until.isAfter(holdUntil)) {
        holdUntil = until;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void heartbeat(String workerId, Duration ttl) {
    ClaimRequest.checkWorkerId(workerId);
    Objects.requireNonNull(ttl, "ttl");
    lock.lock();
    try {
      workers.put(workerId, clock.instant().plus(ttl));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void leave(String workerId) {
    lock.lock();
    try {
      workers.remove(workerId);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public SweepResult sweepStalled(int maxStalledCount, int maxWorkerLosses) {
    List<JobId> recovered = new ArrayList<>();
    List<JobId> failedIds = new ArrayList<>();
    lock.lock();
    try {
      Instant now = clock.instant();
      for (Iterator<Entry> it = active.values().iterator(); it.hasNext(); ) {
        Entry e = it.next();
        Instant beat = e.workerId == null ? null : workers.get(e.workerId);
        if (beat == null || beat.isAfter(now)) {
          continue;
        }
        // Its worker died: not the job's fault, unless workers keep dying under it.
        it.remove();
        e.token = null;
        e.workerId = null;
        e.workerLosses++;
        emit(new QueueEvent(QueueEvent.Type.STALLED, e.id, 0, null));
        if (e.workerLosses > maxWorkerLosses) {
          String reason = poisonPillReason(e.workerLosses);
          e.attemptsMade++;
          e.failedReason = reason;
          finishFailed(e);
          failedIds.add(e.id);
          emit(new QueueEvent(QueueEvent.Type.FAILED, e.id, 0, reason));
        } else {
          e.state = JobState.WAITING;
          waiting.add(e);
          recovered.add(e.id);
        }
      }
      workers.values().removeIf(beat -> !beat.isAfter(now));
      for (Iterator<Entry> it = active.values().iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.lockUntil == null || e.lockUntil.isAfter(now)) {
          continue;
        }
        it.remove();
        e.token = null;
        e.workerId = null;
        e.stalledCount++;
        emit(new QueueEvent(QueueEvent.Type.STALLED, e.id, 0, null));
        if (e.stalledCount > maxStalledCount) {
          String reason = "job stalled more than " + maxStalledCount + " time(s): its worker stopped renewing the lock";
          e.attemptsMade++;
          e.failedReason = reason;
          finishFailed(e);
          failedIds.add(e.id);
          emit(new QueueEvent(QueueEvent.Type.FAILED, e.id, 0, reason));
        } else {
          e.state = JobState.WAITING;
          waiting.add(e);
          recovered.add(e.id);
        }
      }
      if (!recovered.isEmpty()) {
        workChanged.signalAll();
      }
    } finally {
      lock.unlock();
    }
    drain();
    return new SweepResult(recovered, failedIds);
  }

  @Override
  public Optional<QueuedJob> find(JobId id) {
    lock.lock();
    try {
      Entry e = jobs.get(id);
      return e == null ? Optional.empty() : Optional.of(e.snapshot());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<QueuedJob> list(JobState state, int offset, int limit) {
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException("offset and limit must not be negative");
    }
    lock.lock();
    try {
      promoteDue(clock.instant());
      List<Entry> source = switch (state) {
        case WAITING -> new ArrayList<>(waiting);
        case DELAYED -> new ArrayList<>(delayed);
        case ACTIVE -> new ArrayList<>(active.values());
        case COMPLETED -> newestFirst(completed);
        case FAILED -> newestFirst(failed);
      };
      List<QueuedJob> out = new ArrayList<>();
      for (int i = offset; i < source.size() && out.size() < limit; i++) {
        out.add(source.get(i).snapshot());
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public QueueStats stats() {
    lock.lock();
    try {
      return new QueueStats(waiting.size(), active.size(), completed.size(), failed.size(), delayed.size(), paused);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void pause() {
    lock.lock();
    try {
      paused = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resume() {
    lock.lock();
    try {
      paused = false;
      workChanged.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isPaused() {
    lock.lock();
    try {
      return paused;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int clean(JobState state, Duration grace, int limit) {
    if (!state.isFinished()) {
      throw new IllegalArgumentException("only COMPLETED or FAILED jobs can be cleaned, not " + state);
    }
    int removed = 0;
    lock.lock();
    try {
      Instant cutoff = clock.instant().minus(grace);
      LinkedHashSet<Entry> set = state == JobState.COMPLETED ? completed : failed;
      for (Iterator<Entry> it = set.iterator(); it.hasNext() && removed < limit; ) {
        Entry e = it.next();
        if (e.finishedAt != null && e.finishedAt.isBefore(cutoff)) {
          it.remove();
          jobs.remove(e.id);
          removed++;
          emit(new QueueEvent(QueueEvent.Type.REMOVED, e.id, 0, null));
        }
      }
    } finally {
      lock.unlock();
    }
    drain();
    return removed;
  }

  @Override
  public boolean remove(JobId id) {
    lock.lock();
    try {
      Entry e = jobs.get(id);
      if (e == null || e.state == JobState.ACTIVE) {
        return false;
      }
      detach(e);
      jobs.remove(id);
      emit(new QueueEvent(QueueEvent.Type.REMOVED, id, 0, null));
    } finally {
      lock.unlock();
    }
    drain();
    return true;
  }

  @Override
  public boolean cancel(JobId id) {
    lock.lock();
    try {
      Entry e = active.get(id);
      if (e == null) {
        return false;
      }
      e.cancelled = true;
      emit(new QueueEvent(QueueEvent.Type.CANCEL_REQUESTED, id, 0, null));
    } finally {
      lock.unlock();
    }
    drain();
    return true;
  }

  /** The reason a job fails with when its workers keep dying under it. */
  static String poisonPillReason(int losses) {
    return losses + " workers died while processing this job; it may be what kills them (poison pill)";
  }

  @Override
  public boolean retry(JobId id) {
    lock.lock();
    try {
      Entry e = jobs.get(id);
      if (e == null || e.state != JobState.FAILED) {
        return false;
      }
      failed.remove(e);
      e.attemptsMade = 0;
      e.stalledCount = 0;
      e.workerLosses = 0;
      e.finishedAt = null;
      e.progress = 0;
      makeWaiting(e);
    } finally {
      lock.unlock();
    }
    drain();
    return true;
  }

  @Override
  public Subscription subscribe(QueueEventListener listener) {
    return subscribe(EnumSet.allOf(QueueEvent.Type.class), listener);
  }

  /**
   * Delivers only the given types; a change no subscriber wants is not even queued for delivery (a
   * worker listening for cancellations alone does not pay for every job's events).
   */
  @Override
  public Subscription subscribe(Set<QueueEvent.Type> types, QueueEventListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (types.isEmpty()) {
      throw new IllegalArgumentException("types must name at least one QueueEvent.Type");
    }
    Set<QueueEvent.Type> wanted = Collections.unmodifiableSet(EnumSet.copyOf(types));
    QueueEventListener delivered = wanted.size() == QueueEvent.Type.values().length ? listener : e -> {
      if (wanted.contains(e.type())) {
        listener.onEvent(e);
      }
    };
    synchronized (subscribedTypes) {
      listeners.add(delivered);
      subscribedTypes.add(wanted);
      wantedTypes = union(subscribedTypes);
    }
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        synchronized (subscribedTypes) {
          listeners.remove(delivered);
          subscribedTypes.remove(wanted);
          wantedTypes = union(subscribedTypes);
        }
      }
    };
  }

  private static int union(List<Set<QueueEvent.Type>> typeSets) {
    int bits = 0;
    for (Set<QueueEvent.Type> types : typeSets) {
      for (QueueEvent.Type t : types) {
        bits |= 1 << t.ordinal();
      }
    }
    return bits;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      workChanged.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void promoteDue(Instant now) {
    while (!delayed.isEmpty() && !delayed.first().delayedUntil.isAfter(now)) {
      Entry e = delayed.pollFirst();
      e.state = JobState.WAITING;
      e.delayedUntil = null;
      waiting.add(e);
    }
  }

  /** Puts {@code e} among the waiting jobs and wakes claimers; under the lock. */
  private void makeWaiting(Entry e) {
    e.state = JobState.WAITING;
    waiting.add(e);
    workChanged.signalAll();
    emit(new QueueEvent(QueueEvent.Type.ADDED, e.id, 0, null));
  }

  private @Nullable Entry held(JobId id, String token) {
    Entry e = active.get(id);
    return e != null && token.equals(e.token) ? e : null;
  }

  private void finishFailed(Entry e) {
    e.state = JobState.FAILED;
    e.finishedAt = clock.instant();
    failed.add(e);
    trim(failed, e.keepFailed);
  }

  private void trim(LinkedHashSet<Entry> set, int keep) {
    if (keep < 0) {
      return;
    }
    for (Iterator<Entry> it = set.iterator(); set.size() > keep && it.hasNext(); ) {
      Entry oldest = it.next();
      it.remove();
      jobs.remove(oldest.id);
    }
  }

  private void detach(Entry e) {
    switch (e.state) {
      case WAITING -> waiting.remove(e);
      case DELAYED -> delayed.remove(e);
      case ACTIVE -> active.remove(e.id);
      case COMPLETED -> completed.remove(e);
      case FAILED -> failed.remove(e);
    }
  }

  private static List<Entry> newestFirst(LinkedHashSet<Entry> set) {
    List<Entry> list = new ArrayList<>(set);
    java.util.Collections.reverse(list);
    return list;
  }

  /** Queues an event; called under the lock, so events queue up in the order of the changes. */
  private void emit(QueueEvent event) {
    if ((wantedTypes & (1 << event.type().ordinal())) != 0) {
      pending.add(event);
    }
  }

  /**
   * Delivers queued events in order, outside the lock, one drainer at a time: a thread that finds
   * another draining leaves its events to it.
   */
  private void drain() {
    while (!pending.isEmpty()) {
      if (!draining.compareAndSet(false, true)) {
        return;
      }
      try {
        QueueEvent event;
        while ((event = pending.poll()) != null) {
          QueueEvent e = event;
          listeners.each(l -> l.onEvent(e));
        }
      } finally {
        draining.set(false);
      }
    }
  }

  /** Mutable job state, only touched under the lock. Identity-equal, as the sets require. */
  private static final class Entry {
    final JobId id;
    final String payload;
    final int priority;
    final int maxAttempts;
    final int keepCompleted;
    final int keepFailed;
    final long seq;
    final Instant createdAt;
    JobState state = JobState.WAITING;
    int progress;
    int attemptsMade;
    int stalledCount;
    int workerLosses;
    @Nullable String workerId;
    @Nullable Instant processedAt;
    @Nullable Instant finishedAt;
    @Nullable Instant delayedUntil;
    @Nullable Instant lockUntil;
    @Nullable String token;
    boolean cancelled;
    @Nullable String result;
    @Nullable String failedReason;

    Entry(NewJob job, long seq, Instant now) {
      this.id = job.id();
      this.payload = job.payload();
      this.priority = job.priority();
      this.maxAttempts = job.maxAttempts();
      this.keepCompleted = job.keepCompleted();
      this.keepFailed = job.keepFailed();
      this.seq = seq;
      this.createdAt = now;
    }

    QueuedJob snapshot() {
      return new QueuedJob(id, payload, state, priority, progress, attemptsMade, maxAttempts, stalledCount,
          createdAt, processedAt, finishedAt, delayedUntil, result, failedReason);
    }
  }
}
