package com.snapasset.internal;

import com.snapasset.GenerationResult;
import com.snapasset.JobId;
import com.snapasset.JobListener;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.Listeners;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueueEventListener;
import com.snapasset.spi.queue.Subscription;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the queue's events into {@link JobListener} calls, and wakes callers waiting for a job to
 * finish. A listener that throws is logged and cannot break a job or other listeners.
 *
 * <p><b>Subscribed on demand.</b> The relay listens to the queue only while someone needs its
 * events: a process that only runs workers (no job listener, nobody awaiting a job) does not
 * subscribe at all, so a shared queue does not ship it, and it does not decode, every job's every
 * state change. There are two subscriptions, each opened by its first user and closed when its last
 * user goes:
 *
 * <ul>
 *   <li>for {@link JobListener}s: every type a listener method hears;
 *   <li>for waiters ({@link #onFinish}): only {@link QueueEvent.Type#COMPLETED}, {@link
 *       QueueEvent.Type#FAILED} and {@link QueueEvent.Type#REMOVED}, so a queue that can filter
 *       per type (see {@link JobQueue#subscribe(Set, QueueEventListener)}) sends an awaiting
 *       process only the finishing events.
 * </ul>
 *
 * <p><b>Guarantee.</b> {@link #add} and {@link #onFinish} return only once the subscription their
 * registration needs is open (a queue's {@code subscribe} returns once it delivers), so every event
 * the queue publishes after they return reaches the new listener or waiter, whatever other threads
 * register or unregister meanwhile. Events published during the call may or may not be heard.
 *
 * <p>Why close an idle subscription instead of keeping it: a process that awaited one job, or bound
 * metrics once and closed them, would otherwise pay for every later event of the whole queue.
 * Re-opening costs an in-process listener list, or for Redis one SUBSCRIBE round trip (the Redis
 * queue unsubscribes its channel when its last listener leaves), small next to a job's wait; and
 * registrations serialise only on the transitions 0 → 1 and 1 → 0.
 */
final class JobEventRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobEventRelay.class);

  /** What {@link JobListener} methods hear; {@code REMOVED} and cancellations have no method. */
  static final Set<QueueEvent.Type> LISTENER_TYPES = EnumSet.of(QueueEvent.Type.ADDED, QueueEvent.Type.ACTIVE,
      QueueEvent.Type.PROGRESS, QueueEvent.Type.COMPLETED, QueueEvent.Type.RETRYING, QueueEvent.Type.FAILED,
      QueueEvent.Type.STALLED);
  /** What ends a wait: the job completed, failed for good, or is gone. */
  static final Set<QueueEvent.Type> FINISH_TYPES =
      EnumSet.of(QueueEvent.Type.COMPLETED, QueueEvent.Type.FAILED, QueueEvent.Type.REMOVED);

  private final Listeners<JobListener> listeners = new Listeners<>("job listener");
  /** The registrations, to tell a real removal from a no-op one; guarded by itself. */
  private final List<JobListener> registered = new ArrayList<>();
  private final Map<JobId, List<Runnable>> finishWaiters = new ConcurrentHashMap<>();
  private final OnDemand forListeners;
  private final OnDemand forWaiters;

  JobEventRelay(JobQueue queue) {
    this.forListeners = new OnDemand(queue, LISTENER_TYPES, this::tellListeners);
    this.forWaiters = new OnDemand(queue, FINISH_TYPES, this::wakeWaiters);
  }

  /** Starts telling {@code listener}; returns once events published from now on reach it. */
  void add(JobListener listener) {
    // Under the lock so that a concurrent remove of the same listener cannot release first and
    // leave the subscription open with nobody to hear it.
    synchronized (registered) {
      forListeners.acquire();
      registered.add(listener);
      listeners.add(listener);
    }
  }

  /** Stops telling {@code listener}; the last listener's removal closes the subscription. */
  void remove(JobListener listener) {
    synchronized (registered) {
      if (registered.remove(listener)) {
        listeners.remove(listener);
        forListeners.release();
      }
    }
  }

  /**
   * Runs {@code onFinish} once when the job completes, fails for good or is removed, if that happens
   * after this method returns. The returned handle unregisters it (idempotent) and must be run when
   * the caller stops waiting, so the subscription can close.
   */
  Runnable onFinish(JobId id, Runnable onFinish) {
    finishWaiters.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(onFinish);
    try {
      forWaiters.acquire();
    } catch (RuntimeException e) {
      forget(id, onFinish);
      throw e;
    }
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        forget(id, onFinish);
        forWaiters.release();
      }
    };
  }

  /** Whether the relay listens to the queue now (for listeners, waiters or both); for tests. */
  boolean subscribed() {
    return forListeners.isOpen() || forWaiters.isOpen();
  }

  /** Closes both subscriptions for good; later registrations are kept but hear nothing. */
  @Override
  public void close() {
    forListeners.close();
    forWaiters.close();
  }

  private void forget(JobId id, Runnable onFinish) {
    finishWaiters.computeIfPresent(id, (k, list) -> {
      list.remove(onFinish);
      return list.isEmpty() ? null : list;
    });
  }

  private void tellListeners(QueueEvent e) {
    JobId id = e.jobId();
    switch (e.type()) {
      case ADDED -> listeners.each(l -> l.onAdded(id));
      case ACTIVE -> listeners.each(l -> l.onActive(id, e.number()));
      case PROGRESS -> listeners.each(l -> l.onProgress(id, e.number()));
      case COMPLETED -> {
        if (!listeners.isEmpty() && e.data() != null) {
          try {
            GenerationResult result = JobCodec.readResult(e.data());
            listeners.each(l -> l.onCompleted(id, result));
          } catch (RuntimeException ex) {
            log.warn("result of job {} is not readable; listeners not told", id, ex);
          }
        }
      }
      case RETRYING -> listeners.each(l -> l.onRetrying(id, String.valueOf(e.data())));
      case FAILED -> listeners.each(l -> l.onFailed(id, String.valueOf(e.data())));
      case STALLED -> listeners.each(l -> l.onStalled(id));
      case REMOVED, CANCEL_REQUESTED -> { } // not subscribed; a queue may still pass them on
    }
  }

  private void wakeWaiters(QueueEvent e) {
    if (!FINISH_TYPES.contains(e.type())) {
      return;
    }
    List<Runnable> waiters = finishWaiters.remove(e.jobId());
    if (waiters != null) {
      waiters.forEach(Runnable::run);
    }
  }

  /**
   * A queue subscription held open while it has users: the first {@link #acquire} opens it, the
   * last {@link #release} closes it. Transitions run under the lock, so an {@code acquire} that
   * returns has seen the subscription open (opened by itself or by a thread it waited for).
   */
  static final class OnDemand {
    private final JobQueue queue;
    private final Set<QueueEvent.Type> types;
    private final QueueEventListener listener;
    private int users;
    private @Nullable Subscription subscription;
    private boolean closed;

    OnDemand(JobQueue queue, Set<QueueEvent.Type> types, QueueEventListener listener) {
      this.queue = queue;
      this.types = Set.copyOf(types);
      this.listener = listener;
    }

    synchronized void acquire() {
      if (closed) {
        return;
      }
      if (users == 0) {
        // Throws (the user count unchanged) when the queue cannot subscribe.
        subscription = queue.subscribe(types, listener);
      }
      users++;
    }

    synchronized void release() {
      if (closed || users == 0) {
        return;
      }
      if (--users == 0) {
        closeSubscription();
      }
    }

    synchronized boolean isOpen() {
      return subscription != null;
    }

    synchronized void close() {
      closed = true;
      closeSubscription();
    }

    private void closeSubscription() {
      Subscription s = subscription;
      subscription = null;
      if (s != null) {
        try {
          s.close();
        } catch (RuntimeException e) {
          log.warn("closing the queue event subscription failed", e);
        }
      }
    }
  }
}
