package com.snapasset.redis;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.KeyValue;
import redis.clients.jedis.util.Pool;

/**
 * The connections {@link RedisJobQueue#awaitWork} sends its BLPOP on, taken from the pool of the
 * standalone client a queue created from a URL. The pool PINGs every connection it lends
 * (testOnBorrow, for restarts): one more round trip and thread wake-up per wait — each time a
 * worker goes idle, so once per job when jobs trickle in. A connection is therefore kept between
 * waits and reused while fresh ({@link #KEPT_FRESH_NANOS}); one that broke (a restart) is dropped
 * and the wait asked again once on a freshly borrowed, PINGed one. Never a user's pool: kept
 * connections would hold slots the user's own code sized it for.
 */
final class WaitConnections implements AutoCloseable {
  /**
   * Connections kept between waits; a queue built from a URL adds them to its pool, so they never
   * take a slot of {@code maxConnections}.
   */
  static final int MAX_KEPT = 2;
  /**
   * A kept connection is reused only this soon after its last wait (the case of jobs trickling
   * in); one idle longer goes back to the pool, whose PING on the next borrow finds it dead if it
   * died meanwhile (a restart, or a NAT or firewall that dropped it silently).
   */
  private static final long KEPT_FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
  /**
   * How long past its slice a BLPOP's answer may take before its connection counts as dead. The
   * wait is not sent as a blocking command (which reads without a timeout): a connection that
   * died silently would block the waiting thread for good.
   */
  private static final int WAIT_READ_MARGIN_MILLIS = 2_000;

  private final Pool<Connection> pool;
  /** Idle kept connections, newest first, at most {@link #MAX_KEPT}; guarded by itself. */
  private final ArrayDeque<Kept> kept = new ArrayDeque<>();
  /** Guarded by {@link #kept}: nothing is kept once the queue closes. */
  private boolean closed;

  WaitConnections(Pool<Connection> pool) {
    this.pool = pool;
  }

  /** BLPOP on a kept or else a borrowed connection: the key's element, or null at the slice's end. */
  @Nullable KeyValue<String, String> blpop(String key, long sliceMillis) {
    // As the client's blpop builds it, but not marked blocking: read with a timeout (blpopOn).
    CommandObject<KeyValue<String, String>> command = new CommandObject<>(
        new CommandArguments(Protocol.Command.BLPOP).key(key).add(sliceMillis / 1000.0),
        BuilderFactory.KEYED_ELEMENT);
    Connection fresh = takeKept();
    if (fresh != null) {
      try {
        return blpopOn(fresh, command, sliceMillis);
      } catch (JedisConnectionException e) {
        // Broken (a restart, a dropped connection; blpopOn gave it back, and the pool discards it):
        // ask again once on a fresh, PINGed one. A dead connection's BLPOP never reached Redis, so
        // no wake-up was taken; only an answer later than the read timeout (Redis stalled for
        // seconds) is lost with its token, and the waiting worker then claims when its wait ends.
      }
    }
    return blpopOn(pool.getResource(), command, sliceMillis);
  }

  /** Sends the BLPOP on {@code c}, then keeps it for the next wait or gives it back to the pool. */
  private @Nullable KeyValue<String, String> blpopOn(
      Connection c, CommandObject<KeyValue<String, String>> command, long sliceMillis) {
    int timeout = c.getSoTimeout();
    boolean isKept = false;
    try {
      c.setSoTimeout((int) sliceMillis + WAIT_READ_MARGIN_MILLIS);
      KeyValue<String, String> woken = c.executeCommand(command);
      c.setSoTimeout(timeout);
      isKept = keep(c);
      return woken;
    } finally {
      if (!isKept) { // also on an Error: the pool slot must not leak
        if (!c.isBroken()) {
          try {
            c.setSoTimeout(timeout); // the pool lends it to other callers
          } catch (RuntimeException e) {
            // The connection is now marked broken: close() below makes the pool discard it.
          }
        }
        c.close(); // back to the pool (which discards a broken one)
      }
    }
  }

  /** The newest kept connection if it is fresh and no other borrower waits for the pool; else null. */
  private @Nullable Connection takeKept() {
    Kept k;
    synchronized (kept) {
      k = kept.poll();
    }
    if (k == null) {
      return null;
    }
    if (System.nanoTime() - k.usedAtNanos < KEPT_FRESH_NANOS && pool.getNumWaiters() == 0) {
      return k.connection;
    }
    k.connection.close(); // idle too long to trust without a PING, or another borrower waits
    return null;
  }

  /** Keeps a connection for the next BLPOP; false when it should go back to the pool instead. */
  private boolean keep(Connection connection) {
    if (connection.isBroken() || pool.getNumWaiters() > 0) {
      return false; // never hold a slot another borrower is waiting for
    }
    synchronized (kept) {
      if (closed || kept.size() >= MAX_KEPT) {
        return false;
      }
      kept.push(new Kept(connection, System.nanoTime()));
      return true;
    }
  }

  /** Gives the kept connections back to the pool; a wait under way gives its own back at its end. */
  @Override
  public void close() {
    synchronized (kept) {
      closed = true;
      for (Kept k; (k = kept.poll()) != null; ) {
        k.connection.close();
      }
    }
  }

  /** A connection kept for BLPOP and when its last wait ended. */
  private record Kept(Connection connection, long usedAtNanos) {}
}
