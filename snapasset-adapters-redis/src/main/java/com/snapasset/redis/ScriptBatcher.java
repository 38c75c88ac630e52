package com.snapasset.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Runs the script calls of many threads over one connection, pipelined (flat combining): a caller
 * that finds no batch in flight sends every queued call in one write and hands each caller its
 * reply; callers arriving meanwhile queue for the next batch. Alone, a caller just makes its own
 * call, with no thread hand-off. Under load, Redis reads, runs and answers a whole batch per system
 * call instead of one command per call — most of its cost for small scripts.
 */
final class ScriptBatcher implements AutoCloseable {
  private static final int MAX_BATCH = 256;
  /** Only a safety net: a waiting caller is woken when its reply is in. */
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** Lends the connection batches are sent on (a standalone pool, or the pool of a slot's node). */
  private final Supplier<Connection> pool;
  private final ConcurrentLinkedQueue<Call> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean combining = new AtomicBoolean();
  // Touched only by the thread that holds `combining`.
  private @Nullable Connection connection;
  private @Nullable Pipeline pipeline;
  private volatile boolean closed;

  ScriptBatcher(Supplier<Connection> pool) {
    this.pool = pool;
  }

  Object evalsha(String sha, List<String> keys, List<String> args) {
    if (closed) {
      throw new JedisConnectionException("the queue is closed");
    }
    Call call = new Call(sha, keys, args);
    pending.add(call);
    boolean interrupted = false;
    while (true) {
      if (call.done && pending.isEmpty()) {
        break;
      }
      if (combining.compareAndSet(false, true)) {
        try {
          drain();
        } finally {
          combining.set(false);
        }
        // Calls queued after our last look are drained by us on the next turn, or by whoever
        // took over meanwhile.
        continue;
      }
      if (call.done) {
        break; // someone else is combining and will see what is queued
      }
      LockSupport.parkNanos(this, PARK_NANOS);
      // The call is on its way and cannot be taken back: finish it, keep the interrupt for later.
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return call.result();
  }

  private void drain() {
    List<Call> batch = new ArrayList<>();
    while (true) {
      for (Call c; batch.size() < MAX_BATCH && (c = pending.poll()) != null; ) {
        batch.add(c);
      }
      if (batch.isEmpty()) {
        return;
      }
      send(batch);
      batch.clear();
    }
  }

  private void send(List<Call> batch) {
    List<Response<Object>> replies = new ArrayList<>(batch.size());
    try {
      if (closed) {
        throw new JedisConnectionException("the queue is closed");
      }
      Pipeline p = pipeline();
      for (Call c : batch) {
        replies.add(p.evalsha(c.sha, c.keys, c.args));
      }
      p.sync();
    } catch (JedisException | IllegalStateException e) {
      dropConnection();
      JedisException failure = e instanceof JedisException je ? je : new JedisConnectionException(e);
      for (Call c : batch) {
        c.finish(null, failure);
      }
      return;
    }
    boolean redirected = false;
    for (int i = 0; i < batch.size(); i++) {
      try {
        batch.get(i).finish(replies.get(i).get(), null);
      } catch (JedisException e) {
        redirected |= e instanceof JedisRedirectionException;
        batch.get(i).finish(null, e); // e.g. NOSCRIPT for this call only
      }
    }
    if (redirected) {
      // Cluster: the slot lives elsewhere now; the next batch asks for a connection afresh.
      dropConnection();
    }
  }

  private Pipeline pipeline() {
    if (pipeline == null) {
      Connection c = pool.get();
      connection = c;
      pipeline = new Pipeline(c, false);
    }
    return pipeline;
  }

  private void dropConnection() {
    Connection c = connection;
    connection = null;
    pipeline = null;
    if (c != null) {
      try {
        c.close(); // back to the pool, which discards it if broken
      } catch (RuntimeException e) {
        // already unusable
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    while (!combining.compareAndSet(false, true)) {
      Thread.onSpinWait();
    }
    try {
      dropConnection();
    } finally {
      combining.set(false);
    }
  }

  private static final class Call {
    final String sha;
    final List<String> keys;
    final List<String> args;
    final Thread caller = Thread.currentThread();
    private @Nullable Object reply;
    private @Nullable JedisException error;
    volatile boolean done;

    Call(String sha, List<String> keys, List<String> args) {
      this.sha = sha;
      this.keys = keys;
      this.args = args;
    }

    void finish(@Nullable Object reply, @Nullable JedisException error) {
      this.reply = reply;
      this.error = error;
      done = true;
      if (caller != Thread.currentThread()) {
        LockSupport.unpark(caller);
      }
    }

    Object result() {
      if (error != null) {
        // A fresh exception per caller: the batch's one would carry another thread's stack.
        if (error instanceof JedisConnectionException) {
          throw new JedisConnectionException(error.getMessage(), error);
        }
        throw error;
      }
      return reply;
    }
  }
}
