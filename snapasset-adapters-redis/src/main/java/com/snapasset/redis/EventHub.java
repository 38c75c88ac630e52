package com.snapasset.redis;

import com.snapasset.JobId;
import com.snapasset.spi.Listeners;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueueEventListener;
import com.snapasset.spi.queue.Subscription;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Delivers the events the scripts publish on the queue's channel to local listeners, from one
 * subscriber thread started by the first {@link #subscribe}. The channel is subscribed only while
 * someone listens: when the last listener leaves, the hub unsubscribes (Redis then stops sending
 * this process the queue's traffic) and the thread idles until the next {@link #subscribe}, which
 * subscribes again and returns once Redis confirmed it. Reconnects after a lost connection; events
 * published while disconnected are not delivered (pub/sub keeps nothing).
 *
 * <p>Only the subscriber thread writes to the subscribed connection, or another thread holding
 * {@link #lock} once the thread's SUBSCRIBE went out (Jedis' pub/sub writes are not thread-safe),
 * and at most one UNSUBSCRIBE is sent per subscription (a second reply would be left unread on a
 * connection that goes back to the pool).
 */
final class EventHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);
  private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(10);
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final Duration subscribeTimeout;
  private final UnifiedJedis redis;
  private final String channel;
  private final String queueName;
  private final Listeners<QueueEventListener> listeners;
  private final Object lock = new Object();
  /** Listeners registered; guarded by {@link #lock}. The channel is wanted while it is above 0. */
  private int listening;
  private @Nullable Thread thread;
  private volatile @Nullable JedisPubSub pubSub;
  /** The subscription an UNSUBSCRIBE was sent for already; under the lock. */
  private @Nullable JedisPubSub unsubscribeSent;
  /** Whether Redis confirmed the current subscription and no unsubscribe was sent since; under the lock. */
  private boolean live;
  /** Counted down when the channel is subscribed; replaced when it stops being so. Under the lock. */
  private CountDownLatch subscribed = new CountDownLatch(1);
  private volatile boolean closed;

  EventHub(UnifiedJedis redis, String channel, String queueName) {
    this(redis, channel, queueName, SUBSCRIBE_TIMEOUT);
  }

  /** With how long {@link #subscribe} waits for Redis' confirmation at most; for tests. */
  EventHub(UnifiedJedis redis, String channel, String queueName, Duration subscribeTimeout) {
    this.subscribeTimeout = subscribeTimeout;
    this.redis = redis;
    this.channel = channel;
    this.queueName = queueName;
    this.listeners = new Listeners<>("Redis job queue '" + queueName + "' event listener");
  }

  /**
   * Returns once the channel is subscribed, so no event published after it returns is missed.
   *
   * <p>Called on the hub's own thread (from a listener's callback) while the channel is not
   * subscribed (the callback just closed the last subscription), it returns at once instead: only
   * that thread can read Redis' confirmation, which it does, in order, after the callback returns.
   * The listener then hears every event Redis publishes once it has processed the SUBSCRIBE the
   * thread sends next; events published between the UNSUBSCRIBE and that SUBSCRIBE are missed. While
   * the channel stays subscribed (another listener remains) nothing is missed on any thread.
   */
  Subscription subscribe(QueueEventListener listener) {
    CountDownLatch ready;
    boolean onHubThread;
    synchronized (lock) {
      onHubThread = thread != null && Thread.currentThread() == thread;
      listeners.add(listener);
      listening++;
      if (thread == null && !closed) {
        Thread t = new Thread(this::run, "snapasset-redis-events-" + queueName);
        t.setDaemon(true);
        thread = t;
        t.start();
      }
      lock.notifyAll(); // an idle subscriber thread subscribes again
      ready = subscribed;
    }
    try {
      if (!onHubThread && !closed && !ready.await(subscribeTimeout.toMillis(), TimeUnit.MILLISECONDS)
          && !closed) {
        log.warn("Redis job queue '{}': event channel not subscribed after {}; events may be missed",
            queueName, subscribeTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        unsubscribe(listener);
      }
    };
  }

  private void unsubscribe(QueueEventListener listener) {
    synchronized (lock) {
      listeners.remove(listener);
      if (--listening > 0 || !live) {
        return; // still wanted, or not confirmed yet (onSubscribe then sees nobody and unsubscribes)
      }
      live = false;
      subscribed = new CountDownLatch(1);
      stopListening();
    }
  }

  /**
   * Asks Redis to unsubscribe, once per subscription; the subscriber thread's blocking subscribe
   * call then returns. Under the lock: {@code isSubscribed()} means the thread's SUBSCRIBE was
   * written, and the lock keeps two UNSUBSCRIBE writes from interleaving.
   */
  private void stopListening() {
    assert Thread.holdsLock(lock);
    JedisPubSub ps = pubSub;
    if (ps != null && ps != unsubscribeSent && ps.isSubscribed()) {
      unsubscribeSent = ps;
      try {
        ps.unsubscribe();
      } catch (JedisException | IllegalStateException e) {
        log.debug("unsubscribe failed", e);
      }
    }
  }

  private void run() {
    long backoff = 50;
    while (!closed) {
      synchronized (lock) {
        while (listening == 0 && !closed) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      if (closed) {
        return;
      }
      JedisPubSub ps = new Listener();
      pubSub = ps;
      try {
        redis.subscribe(ps, channel); // returns when unsubscribed
        backoff = 50;
      } catch (JedisException | IllegalStateException e) {
        if (closed) {
          return;
        }
        synchronized (lock) {
          live = false;
          if (subscribed.getCount() == 0) {
            subscribed = new CountDownLatch(1);
          }
        }
        log.warn("Redis job queue '{}': event subscription lost ({}); reconnecting",
            queueName, e.getMessage());
        synchronized (lock) {
          try {
            lock.wait(backoff);
          } catch (InterruptedException ie) {
            return;
          }
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }

  private final class Listener extends JedisPubSub {
    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
      synchronized (lock) {
        if (listening == 0 || closed) {
          // Everyone left (or the hub closed) while Redis was confirming; the latch stays
          // uncounted for the next subscriber, whom the thread subscribes for afresh.
          stopListening();
          return;
        }
        live = true;
        subscribed.countDown();
      }
    }

    @Override
    public void onMessage(String channel, String message) {
      // Between the last listener leaving and Redis confirming the unsubscribe, messages still
      // arrive: drop them undecoded.
      if (listeners.isEmpty()) {
        return;
      }
      QueueEvent event = parse(message);
      if (event == null) {
        return;
      }
      listeners.each(l -> l.onEvent(event));
    }
  }

  /** {@code TYPE|number|jobId[|data]}; job ids cannot contain '|'. */
  static @Nullable QueueEvent parse(String message) {
    String[] parts = message.split("\\|", 4);
    if (parts.length < 3) {
      return null;
    }
    try {
      return new QueueEvent(
          QueueEvent.Type.valueOf(parts[0]),
          JobId.of(parts[2]),
          Integer.parseInt(parts[1]),
          parts.length == 4 ? parts[3] : null);
    } catch (RuntimeException e) {
      log.debug("ignoring malformed queue event {}", message);
      return null;
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (lock) {
      closed = true;
      t = thread;
      lock.notifyAll();
      subscribed.countDown(); // releases subscribe calls waiting for a confirmation that won't come
      stopListening();
    }
    if (t != null) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
