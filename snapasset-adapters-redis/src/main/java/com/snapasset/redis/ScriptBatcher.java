package com.snapasset.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>Asynchronous calls ({@link #evalshaAsync}) join the same queue but never make their caller
 * wait: a dispatcher thread of the batcher's own (started on the first such call) sends them,
 * along with whatever synchronous calls are queued, and completes their futures — always after
 * letting go of the connection, so a dependent stage may call the queue again, synchronously too.
 * Whoever lets go of the connection looks at the queue again, so a call queued meanwhile is
 * never stranded; a call queued after that look wakes the dispatcher.
 */
final class ScriptBatcher implements AutoCloseable {
  private static final int MAX_BATCH = 256;
  /** Only a safety net: a waiting caller is woken when its reply is in. */
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** Only a safety net too: an idle dispatcher is woken by whoever queues work for it. */
  private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long CLOSE_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

  /** Lends the connection batches are sent on (a standalone pool, or the pool of a slot's node). */
  private final Supplier<Connection> pool;
  private final ConcurrentLinkedQueue<Call> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean combining = new AtomicBoolean();
  // Touched only by the thread that holds `combining`.
  private @Nullable Connection connection;
  private @Nullable Pipeline pipeline;
  /** Asynchronous calls answered by a synchronous combiner, for the dispatcher to complete. */
  private final ConcurrentLinkedQueue<Call> answered = new ConcurrentLinkedQueue<>();
  private final String dispatcherName;
  private volatile @Nullable Thread dispatcher;
  /** Set by the dispatcher before it parks; whoever queues work for it then unparks it. */
  private volatile boolean dispatcherIdle;
  private volatile boolean closed;

  ScriptBatcher(Supplier<Connection> pool, String dispatcherName) {
    this.pool = pool;
    this.dispatcherName = dispatcherName;
  }

  /**
   * Queues a call and returns at once; the future completes on the dispatcher thread, with the
   * reply or the {@link JedisException} the call met.
   */
  CompletableFuture<Object> evalshaAsync(String sha, List<String> keys, List<String> args) {
    if (closed) {
      return CompletableFuture.failedFuture(new JedisConnectionException("the queue is closed"));
    }
    CompletableFuture<Object> future = new CompletableFuture<>();
    pending.add(new Call(sha, keys, args, future));
    Thread d = dispatcher;
    if (d == null) {
      d = startDispatcher();
    }
    if (dispatcherIdle) {
      LockSupport.unpark(d);
    }
    if (closed) {
      // close() may have stopped the dispatcher before this call was queued: nobody else sends it.
      failPending();
    }
    return future;
  }

  private synchronized Thread startDispatcher() {
    Thread d = dispatcher;
    if (d == null) {
      d = new Thread(this::dispatch, dispatcherName);
      d.setDaemon(true);
      d.start();
      dispatcher = d;
    }
    return d;
  }

  private void dispatch() {
    while (true) {
      boolean worked = false;
      if (!pending.isEmpty() && combining.compareAndSet(false, true)) {
        try {
          drain();
        } finally {
          combining.set(false);
        }
        worked = true;
      }
      // Completed only now, with the connection let go: a dependent stage may call again.
      for (Call c; (c = answered.poll()) != null; ) {
        c.complete();
        worked = true;
      }
      if (worked) {
        continue;
      }
      if (closed) {
        // A combiner still at work hands its answers to `answered` before it lets go: take the
        // connection once more, so that nothing it answered (or left queued) is stranded.
        while (!combining.compareAndSet(false, true)) {
          LockSupport.parkNanos(this, CLOSE_WAIT_NANOS);
        }
        try {
          failPending();
        } finally {
          combining.set(false);
        }
        return;
      }
      dispatcherIdle = true;
      // Queued calls while another thread combines are that thread's to send: it looks at the
      // queue again after letting go, and hands the asynchronous answers back here.
      if (answered.isEmpty() && (pending.isEmpty() || combining.get()) && !closed) {
        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
      }
      dispatcherIdle = false;
    }
  }

  /** Fails every queued call: the batcher is closed. */
  private void failPending() {
    JedisConnectionException closedError = new JedisConnectionException("the queue is closed");
    for (Call c; (c = pending.poll()) != null; ) {
      c.finish(null, closedError); // an asynchronous one joins `answered`
    }
    for (Call c; (c = answered.poll()) != null; ) {
      c.complete();
    }
  }

  Object evalsha(String sha, List<String> keys, List<String> args) {
    if (closed) {
      throw new JedisConnectionException("the queue is closed");
    }
    Call call = new Call(sha, keys, args, null);
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
    boolean async = false;
    while (true) {
      for (Call c; batch.size() < MAX_BATCH && (c = pending.poll()) != null; ) {
        batch.add(c);
        async |= c.future != null;
      }
      if (batch.isEmpty()) {
        break;
      }
      send(batch);
      batch.clear();
    }
    Thread d = dispatcher;
    if (async && d != null && d != Thread.currentThread()) {
      LockSupport.unpark(d); // it completes the asynchronous calls this thread answered
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
    Thread d = dispatcher;
    if (d != null) {
      LockSupport.unpark(d);
    }
    while (!combining.compareAndSet(false, true)) {
      Thread.onSpinWait();
    }
    try {
      dropConnection();
    } finally {
      combining.set(false);
    }
  }

  private final class Call {
    final String sha;
    final List<String> keys;
    final List<String> args;
    final Thread caller = Thread.currentThread();
    /** Null for a caller that waits; set for an asynchronous call. */
    final @Nullable CompletableFuture<Object> future;
    private @Nullable Object reply;
    private @Nullable JedisException error;
    volatile boolean done;

    Call(String sha, List<String> keys, List<String> args, @Nullable CompletableFuture<Object> future) {
      this.sha = sha;
      this.keys = keys;
      this.args = args;
      this.future = future;
    }

    void finish(@Nullable Object reply, @Nullable JedisException error) {
      this.reply = reply;
      this.error = error;
      done = true;
      if (future != null) {
        answered.add(this); // completed by the dispatcher once the connection is let go
      } else if (caller != Thread.currentThread()) {
        LockSupport.unpark(caller);
      }
    }

    /** Completes an asynchronous call's future with its reply or error. */
    void complete() {
      CompletableFuture<Object> f = future;
      if (f == null) {
        return;
      }
      try {
        f.complete(result());
      } catch (JedisException e) {
        f.completeExceptionally(e);
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
