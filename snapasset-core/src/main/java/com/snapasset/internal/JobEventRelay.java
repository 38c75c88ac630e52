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
 * state change. One subscription at a time serves everyone, with the types its users need: with
 * only waiters ({@link #onFinish}), {@link QueueEvent.Type#COMPLETED}, {@link QueueEvent.Type#FAILED}
 * and {@link QueueEvent.Type#REMOVED} (a queue that can filter per type, see {@link
 * JobQueue#subscribe(Set, QueueEventListener)}, then sends an awaiting process only those); with a
 * {@link JobListener}, those and every type a listener method hears.
 *
 * <p><b>Order.</b> Each event is handed to the listeners first, then to the waiters, on the same
 * thread: a caller woken by a job's completion returns after the listeners registered then heard
 * of it. (When a listener arrives while waiters wait, the waiters' narrower subscription is replaced
 * by a wider one, overlapping it; an event delivered during that overlap may wake a waiter before
 * the new listener hears it, as events published during a registration may or may not be heard.)
 *
 * <p><b>Guarantee.</b> {@link #add} and {@link #onFinish} return only once a subscription covering
 * their registration is open (a queue's {@code subscribe} returns once it delivers), so every event
 * the queue publishes after they return reaches the new listener or waiter, whatever other threads
 * register or unregister meanwhile. Events published during the call may or may not be heard.
 *
 * <p><b>No waiting on each other.</b> The queue's {@code subscribe} is never called under a lock,
 * and no registration waits for another thread's: a registration that finds no suitable
 * subscription opens one itself (two such threads open two, and the one installed second is closed
 * again). So a listener's callback that adds or removes listeners, on the queue's event thread,
 * never waits for a subscription that only that thread can confirm.
 *
 * <p>Why close an idle subscription instead of keeping it: a process that awaited one job, or bound
 * metrics once and closed them, would otherwise pay for every later event of the whole queue.
 * Re-opening costs an in-process listener list, or for Redis one SUBSCRIBE round trip (the Redis
 * queue unsubscribes its channel when its last listener leaves), small next to a job's wait.
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
  /** What the subscription asks for while a listener is registered: listeners and waiters. */
  static final Set<QueueEvent.Type> LISTENER_AND_FINISH_TYPES = union(LISTENER_TYPES, FINISH_TYPES);

  /** What the subscription must cover, narrowest first. */
  private enum Need {
    NONE(Set.of()), WAITERS(FINISH_TYPES), LISTENERS(LISTENER_AND_FINISH_TYPES);

    final Set<QueueEvent.Type> types;

    Need(Set<QueueEvent.Type> types) {
      this.types = types;
    }

    boolean covers(Need other) {
      return compareTo(other) >= 0;
    }
  }

  private final JobQueue queue;
  private final Listeners<JobListener> listeners = new Listeners<>("job listener");
  private final Map<JobId, List<Runnable>> finishWaiters = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  /** The registrations, to tell a real removal from a no-op one; under the lock. */
  private final List<JobListener> registered = new ArrayList<>();
  /** Open {@link #onFinish} handles; under the lock. */
  private int waiters;
  /** The subscription serving everyone, opened before it was installed; written under the lock. */
  private volatile @Nullable Feed current;
  private boolean closed;

  JobEventRelay(JobQueue queue) {
    this.queue = queue;
  }

  /** Starts telling {@code listener}; returns once events published from now on reach it. */
  void add(JobListener listener) {
    synchronized (lock) {
      registered.add(listener);
      listeners.add(listener);
    }
    try {
      settle(true);
    } catch (RuntimeException e) {
      remove(listener);
      throw e;
    }
  }

  /** Stops telling {@code listener}; the last user's leaving closes the subscription. */
  void remove(JobListener listener) {
    synchronized (lock) {
      if (!registered.remove(listener)) {
        return;
      }
      listeners.remove(listener);
    }
    settle(false);
  }

  /**
   * Runs {@code onFinish} once when the job completes, fails for good or is removed, if that happens
   * after this method returns. The returned handle unregisters it (idempotent) and must be run when
   * the caller stops waiting, so the subscription can close.
   */
  Runnable onFinish(JobId id, Runnable onFinish) {
    finishWaiters.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(onFinish);
    synchronized (lock) {
      waiters++;
    }
    AtomicBoolean done = new AtomicBoolean();
    Runnable unregister = () -> {
      if (done.compareAndSet(false, true)) {
        forget(id, onFinish);
        synchronized (lock) {
          waiters--;
        }
        settle(false);
      }
    };
    try {
      settle(true);
    } catch (RuntimeException e) {
      unregister.run();
      throw e;
    }
    return unregister;
  }

  /** Whether the relay listens to the queue now; for tests. */
  boolean subscribed() {
    synchronized (lock) {
      return current != null;
    }
  }

  /** Closes the subscription for good; later registrations are kept but hear nothing. */
  @Override
  public void close() {
    Feed f;
    synchronized (lock) {
      closed = true;
      f = current;
      current = null;
    }
    if (f != null) {
      f.close();
    }
  }

  private Need need() {
    assert Thread.holdsLock(lock);
    if (closed) {
      return Need.NONE;
    }
    return !registered.isEmpty() ? Need.LISTENERS : waiters > 0 ? Need.WAITERS : Need.NONE;
  }

  /**
   * Brings the subscription in line with its users: opens one covering them (only a registering
   * thread, {@code mayOpen}, does so when none covers them, and throws the queue's failure), narrows
   * a wider one once the listeners are gone (best effort), closes it when nobody is left.
   *
   * <p>Ends only on a check, under the lock, that the installed subscription covers the users, so
   * whichever thread changes the users last leaves the subscription right. Only a subscription that
   * covers the users at the time replaces another, so a user that returned stays covered.
   */
  private void settle(boolean mayOpen) {
    boolean narrowTried = false;
    while (true) {
      Need need;
      boolean narrowing;
      Feed toClose = null;
      synchronized (lock) {
        need = need();
        Need have = have();
        if (have == need) {
          return;
        }
        narrowing = have.covers(need);
        if (need == Need.NONE) {
          toClose = current;
          current = null;
        } else if (narrowing ? narrowTried : !mayOpen) {
          // Wider than needed and narrowing was tried; or a registering thread is opening it.
          return;
        }
      }
      if (toClose != null) {
        toClose.close();
        continue;
      }
      narrowTried |= narrowing;
      // Opened outside the lock: the queue may wait for its server here, on its event thread too.
      Feed opened = new Feed(need);
      try {
        opened.subscription = queue.subscribe(need.types, opened);
      } catch (RuntimeException e) {
        boolean covered;
        synchronized (lock) {
          covered = have().covers(need());
        }
        if (!covered && mayOpen) {
          throw e; // the registration fails; the caller undoes it
        }
        log.warn("opening a narrower queue event subscription failed; keeping the wider one", e);
        continue;
      }
      synchronized (lock) {
        Need now = need();
        Need have = have();
        boolean install = now != Need.NONE && opened.need.covers(now)
            && (!have.covers(now) || (have != now && opened.need == now));
        if (install) {
          toClose = current;
          current = opened;
        } else {
          toClose = opened; // nobody left, or another subscription covers them already
        }
      }
      if (toClose != null) {
        toClose.close();
      }
    }
  }

  private Need have() {
    Feed f = current;
    return f == null ? Need.NONE : f.need;
  }

  private void forget(JobId id, Runnable onFinish) {
    finishWaiters.computeIfPresent(id, (k, list) -> {
      list.remove(onFinish);
      return list.isEmpty() ? null : list;
    });
  }

  /** One queue subscription; only the installed one tells listeners, any of them wakes waiters. */
  private final class Feed implements QueueEventListener {
    final Need need;
    volatile @Nullable Subscription subscription;

    Feed(Need need) {
      this.need = need;
    }

    @Override
    public void onEvent(QueueEvent e) {
      // Listeners first, waiters second, for the order callers may rely on.
      if (need == Need.LISTENERS && current == this) {
        tellListeners(e);
      }
      wakeWaiters(e);
    }

    void close() {
      Subscription s = subscription;
      if (s != null) {
        try {
          s.close();
        } catch (RuntimeException e) {
          log.warn("closing the queue event subscription failed", e);
        }
      }
    }
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
      case REMOVED, CANCEL_REQUESTED -> { } // no listener method; a queue may still pass them on
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

  private static Set<QueueEvent.Type> union(Set<QueueEvent.Type> a, Set<QueueEvent.Type> b) {
    EnumSet<QueueEvent.Type> all = EnumSet.copyOf(a);
    all.addAll(b);
    return all;
  }
}
