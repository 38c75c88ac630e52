package com.snapasset.redis;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
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
    // As the client's blpop builds it, but not marked blocking: read with a timeout (waitOn).
    CommandObject<KeyValue<String, String>> command = new CommandObject<>(
        blpopArguments(key, sliceMillis), BuilderFactory.KEYED_ELEMENT);
    return waitOn(sliceMillis, c -> c.executeCommand(command));
  }

  /**
   * What {@link #blpopThenEvalsha} answers: whether the BLPOP took a wake-up, and the script's
   * reply (decoded as the client's evalsha decodes it), or the error Redis answered it with; or
   * {@code lost}: the call was sent but its answers never came (see {@link #blpopThenEvalsha}).
   */
  record WokenScript(boolean woken, @Nullable Object reply, @Nullable JedisDataException error, boolean lost) {
    static final WokenScript LOST = new WokenScript(false, null, null, true);
  }

  /**
   * The BLPOP and a script call sent together (one write): Redis runs the script as soon as the
   * BLPOP is answered — woken or at the slice's end — and both answers come back together, so the
   * waiting thread wakes once for both instead of once per round trip.
   *
   * <p>Never sent twice: once the write may have reached Redis, a read timeout (Redis stalled for
   * longer than the slice plus {@link #WAIT_READ_MARGIN_MILLIS}) or a broken connection answers
   * {@link WokenScript#LOST} and the connection is discarded, for Redis may still run the script —
   * sent again, its claim could take a second job under the same token. What the lost call did is
   * the caller's to recover (a claimed job's lock expires and the stalled-job sweep frees it).
   */
  WokenScript blpopThenEvalsha(String key, long sliceMillis, String sha, List<String> keys, List<String> args) {
    CommandArguments script = new CommandArguments(Protocol.Command.EVALSHA).add(sha).add(keys.size());
    keys.forEach(script::key);
    args.forEach(script::add);
    CommandArguments blpop = blpopArguments(key, sliceMillis);
    // Never through waitOn's ask-again-once: an exception after the write would re-send the script.
    return waitOnce(sliceMillis, c -> {
      Object woken;
      try {
        c.sendCommand(blpop);
        c.sendCommand(script);
        try {
          woken = c.getOne();
        } catch (JedisDataException e) {
          woken = null; // the script's answer follows anyway; read it, so the connection stays in step
        }
        try {
          return new WokenScript(woken != null, BuilderFactory.ENCODED_OBJECT.build(c.getOne()), null, false);
        } catch (JedisDataException e) { // NOSCRIPT after a restart or SCRIPT FLUSH, or the script's own error
          return new WokenScript(woken != null, null, e, false);
        }
      } catch (JedisConnectionException e) {
        // Not retried on a fresh connection as a plain BLPOP is (waitOn): the script may run yet.
        c.setBroken(); // never kept nor lent again: its answers may still arrive
        return WokenScript.LOST;
      } catch (Throwable e) { // an Error between the reads: a reply may be pending
        c.setBroken();
        throw e;
      }
    });
  }

  private static CommandArguments blpopArguments(String key, long sliceMillis) {
    return new CommandArguments(Protocol.Command.BLPOP).key(key).add(sliceMillis / 1000.0);
  }

  /** Runs {@code wait} on a kept or else a borrowed connection, read with the slice's timeout. */
  private <T> T waitOn(long sliceMillis, Function<Connection, T> wait) {
    Connection fresh = takeKept();
    if (fresh != null) {
      try {
        return waitOn(fresh, wait, sliceMillis);
      } catch (JedisConnectionException e) {
        // Broken (a restart, a dropped connection; waitOn gave it back, and the pool discards it):
        // ask again once on a fresh, PINGed one. A dead connection's BLPOP never reached Redis, so
        // no wake-up was taken; only an answer later than the read timeout (Redis stalled for
        // seconds) is lost with its token, and the waiting worker then claims when its wait ends.
        // (blpopThenEvalsha uses waitOnce: a script that may have been delivered is not re-sent.)
      }
    }
    return waitOn(pool.getResource(), wait, sliceMillis);
  }

  /**
   * Runs {@code wait} once, on a kept or else a borrowed connection, read with the slice's
   * timeout: never asked again, whatever it throws.
   */
  private <T> T waitOnce(long sliceMillis, Function<Connection, T> wait) {
    Connection kept = takeKept();
    return waitOn(kept != null ? kept : pool.getResource(), wait, sliceMillis);
  }

  /** Waits on {@code c}, then keeps it for the next wait or gives it back to the pool. */
  private <T> T waitOn(Connection c, Function<Connection, T> wait, long sliceMillis) {
    int timeout = c.getSoTimeout();
    boolean isKept = false;
    try {
      c.setSoTimeout((int) sliceMillis + WAIT_READ_MARGIN_MILLIS);
      T woken = wait.apply(c);
      if (!c.isBroken()) { // a LOST combined call broke it: the finally block gives it back
        c.setSoTimeout(timeout);
        isKept = keep(c);
      }
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
