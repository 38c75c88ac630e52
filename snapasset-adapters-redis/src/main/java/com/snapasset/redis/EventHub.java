package com.snapasset.redis;

import com.snapasset.JobId;
import com.snapasset.spi.Listeners;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueueEventListener;
import com.snapasset.spi.queue.Subscription;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Delivers the events the scripts publish on the queue's channel to local listeners, from one
 * subscriber thread started by the first {@link #subscribe}. Reconnects after a lost connection;
 * events published while disconnected are not delivered (pub/sub keeps nothing).
 */
final class EventHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);
  private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(10);
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final UnifiedJedis redis;
  private final String channel;
  private final String queueName;
  private final Listeners<QueueEventListener> listeners;
  private final Object lock = new Object();
  private @Nullable Thread thread;
  private volatile @Nullable JedisPubSub pubSub;
  private volatile CountDownLatch subscribed = new CountDownLatch(1);
  private volatile boolean closed;

  EventHub(UnifiedJedis redis, String channel, String queueName) {
    this.redis = redis;
    this.channel = channel;
    this.queueName = queueName;
    this.listeners = new Listeners<>("Redis job queue '" + queueName + "' event listener");
  }

  /** Returns once the channel is subscribed, so no event published after it returns is missed. */
  Subscription subscribe(QueueEventListener listener) {
    listeners.add(listener);
    synchronized (lock) {
      if (thread == null && !closed) {
        Thread t = new Thread(this::run, "snapasset-redis-events-" + queueName);
        t.setDaemon(true);
        thread = t;
        t.start();
      }
    }
    try {
      if (!subscribed.await(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Redis job queue '{}': event channel not subscribed after {}; events may be missed",
            queueName, SUBSCRIBE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return () -> listeners.remove(listener);
  }

  private void run() {
    long backoff = 50;
    while (!closed) {
      JedisPubSub ps = new Listener();
      pubSub = ps;
      try {
        redis.subscribe(ps, channel);
        backoff = 50;
      } catch (JedisException | IllegalStateException e) {
        if (closed) {
          return;
        }
        subscribed = new CountDownLatch(1);
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
      subscribed.countDown();
    }

    @Override
    public void onMessage(String channel, String message) {
      // The channel stays subscribed once opened (re-subscribing would cost a round trip and a
      // window of missed events); with nobody listening now, a message is dropped undecoded.
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
    }
    JedisPubSub ps = pubSub;
    if (ps != null && ps.isSubscribed()) {
      try {
        ps.unsubscribe();
      } catch (JedisException | IllegalStateException e) {
        log.debug("unsubscribe failed", e);
      }
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
