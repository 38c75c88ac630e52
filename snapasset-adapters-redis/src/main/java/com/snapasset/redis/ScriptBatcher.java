package com.snapasset.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Runs the script calls of many threads over one connection, pipelined (flat combining): a caller
 * that finds no batch in flight sends queued calls in one write, up to the batch that answers its
 * own call, and hands each caller its reply; callers arriving meanwhile queue for the next batch.
 * Alone, a caller just makes its own call, with no thread hand-off. Under load, Redis reads, runs
 * and answers a whole batch per system call instead of one command per call — most of its cost for
 * small scripts.
 *
 * <p>Asynchronous calls ({@link #evalshaAsync}) join the same queue but never make their caller
 * wait: a dispatcher thread of the batcher's own (started on the first such call) sends them, up to
 * two batches in flight: it writes the next batch before it reads the replies of the one ahead, and
 * completes that one's futures while Redis runs the next — so Redis does not sit idle while the
 * JVM completes futures (and the stages they run make the next calls), nor the JVM while Redis
 * runs a batch. What it finds queued with nothing in flight it sends as two halves, so that this
 * overlap starts at once. Futures are completed only with the connection let go, as with one batch
 * at a time: the dispatcher lets go of it with the batch behind still in flight (recorded here), and
 * whoever takes the connection next — the dispatcher, or a waiting caller — reads that batch's
 * replies before it sends anything (an asynchronous call's reply goes to the dispatcher to
 * complete). So a dependent stage may call the queue again, synchronously too, or wait for another
 * thread's blocking call; and a slow stage holds up no other thread's blocking call. Asynchronous
 * calls, another thread's too, are sent only by the dispatcher, which is running the stage: a stage
 * must never wait for one. A blocking call in the batch left in flight wakes its caller, which takes
 * the connection and reads that batch at once, not after the dispatcher's stages. A waiting caller
 * sends no batch beyond the one that holds its own call (none at all when the batch in flight it
 * reads first answered it), and never leaves a batch in flight.
 * Whoever lets go of the connection looks at the queue again and wakes whoever should send what is
 * left, so no call is stranded.
 *
 * <p>A connection is discarded, never returned to its pool for reuse, whenever something written
 * to it may not have been read (a failed read or write, a batch abandoned after an Error): a later
 * command of the pool's user would otherwise read another command's reply. {@link #close} reads the
 * batch in flight, whose calls Redis runs, and fails only the calls never sent.
 *
 * <p>Consecutive calls of a script named combinable (the queue's add) with the same keys are sent as
 * one call of its {@linkplain LuaScript#combined combined form}, which runs each under {@code
 * pcall}: Redis parses, looks up and answers one command for up to {@link #MAX_COMBINED} calls,
 * and runs the shared helpers once. Each call still gets its own reply or its own error; they run
 * in the batch's order, as they would one by one. A lone call of such a script goes in the
 * combined form too, so the batcher sends the script by one SHA only (see {@link #wires}).
 *
 * <p>An asynchronous call, or any call in a combined form, that meets NOSCRIPT (first use, a
 * restart, SCRIPT FLUSH) is loaded and sent again on the same connection, in its batch's order,
 * before anything else is taken from the queue: one thread's calls keep their order. A second batch
 * is put in flight only when every script of both batches has already run on that connection: a
 * script that was never loaded (first use, or only one of two scripts loaded) would otherwise meet
 * NOSCRIPT in the first batch while later calls of the same thread ran in the second. After a
 * SCRIPT FLUSH both batches meet NOSCRIPT, and both are sent again in order. Should a later call of
 * a thread have run in the second batch while its earlier call met NOSCRIPT in the first (another
 * client's SCRIPT LOAD landing between the two), the earlier call fails closed instead of running
 * out of order: its caller gets a {@link JedisDataException} saying it was not run, and it is not
 * sent again. A script counts as run on the connection only once a call of it succeeded or failed
 * inside its own body; an error met before the script is looked up (BUSY, LOADING, NOPERM...)
 * leaves it unknown.
 */
final class ScriptBatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScriptBatcher.class);
  private static final int MAX_BATCH = 256;
  /**
   * The most calls one combined call carries: Redis runs a script alone, so this bounds how long
   * other clients wait behind one. 64 adds kept Redis busy 0.7–1.6 ms per combined call with
   * {@code {}} payloads and 1.2–1.8 ms with 2 KB payloads (redis-server 7.0, 2 shared cores at load
   * average 7–9; about as long as the 64 adds sent one by one: 0.43–0.87 of it).
   */
  static final int MAX_COMBINED = 64;
  /**
   * The fewest calls sent as a second batch in flight: fewer wait for the next batch, where more may
   * join them, rather than cost Redis a script call each (the combined form is one call per run of
   * adds). What is queued with nothing in flight is sent as two halves only from twice this many.
   */
  static final int MIN_OVERLAP = 8;
  /** Only a safety net: a waiting caller is woken when its reply is in. */
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** A waiting caller's {@link #PARK_NANOS}; a test sets it long to see that nothing relies on it. */
  volatile long waitParkNanos = PARK_NANOS;
  /** Only a safety net too: an idle dispatcher is woken by whoever queues work for it. */
  private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** How long {@link #close} lets the dispatcher send what is queued before failing the rest. */
  static final long CLOSE_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** Lends the connection batches are sent on (a standalone pool, or the pool of a slot's node). */
  private final Supplier<Connection> pool;
  /** By the SHA of a script whose consecutive calls may be combined: its combined form. */
  private final Map<String, LuaScript> combined;
  private final ConcurrentLinkedQueue<Call> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean combining = new AtomicBoolean();
  // Touched only by the thread that holds `combining`.
  private @Nullable Connection connection;
  /** Batches written to {@link #connection} whose replies are not read yet, oldest first (at most 2). */
  private final ArrayDeque<Batch> unread = new ArrayDeque<>(2);
  /**
   * SHAs of the scripts that ran (did not meet NOSCRIPT) on {@link #connection}: only calls of these
   * may go in a second batch in flight. Cleared with the connection; a SHA that meets NOSCRIPT leaves.
   */
  private final Set<String> loaded = new HashSet<>();
  /**
   * Whether the dispatcher let go of the connection with a batch in flight ({@link #unread} not
   * empty): whoever takes the connection next reads its replies before sending anything. Written on
   * letting go of the connection.
   */
  private volatile boolean inFlight;
  /**
   * For tests only: run just before a batch is written behind one in flight, with the connection
   * (the first batch not yet flushed). Lets a test make something land between the two batches.
   */
  volatile @Nullable Consumer<Connection> beforeWritingBehind;
  /** Batches sent while another was in flight; for tests and benchmarks. Written by the holder only. */
  private volatile long overlapped;
  /** Asynchronous calls answered, for the dispatcher to complete once the connection is let go. */
  private final ConcurrentLinkedQueue<Call> answered = new ConcurrentLinkedQueue<>();
  private final String dispatcherName;
  private volatile @Nullable Thread dispatcher;
  /** Set by the dispatcher before it parks; whoever queues work for it then unparks it. */
  private volatile boolean dispatcherIdle;
  /** No new calls are taken; the dispatcher still sends what is queued (a bounded wait). */
  private volatile boolean closing;
  /** Batches fail at once; whatever is left is failed. */
  private volatile boolean closed;
  /** Counted down by the dispatcher once closing and nothing is left to send or complete. */
  private final CountDownLatch flushed = new CountDownLatch(1);

  ScriptBatcher(Supplier<Connection> pool, String dispatcherName) {
    this(pool, dispatcherName, List.of());
  }

  /**
   * @param combinable scripts whose calls, when several with the same keys follow one another in a
   *     batch, are sent as one call of the script's {@linkplain LuaScript#combined combined form}
   */
  ScriptBatcher(Supplier<Connection> pool, String dispatcherName, List<LuaScript> combinable) {
    this.pool = pool;
    this.dispatcherName = dispatcherName;
    Map<String, LuaScript> forms = new HashMap<>();
    for (LuaScript s : combinable) {
      forms.put(s.sha(), s.combined());
    }
    this.combined = Map.copyOf(forms);
  }

  /**
   * Queues a call and returns at once; the future completes on the dispatcher thread, with the
   * reply or the {@link JedisException} the call met.
   */
  CompletableFuture<Object> evalshaAsync(LuaScript script, List<String> keys, List<String> args) {
    if (closing) {
      return CompletableFuture.failedFuture(closedError());
    }
    CompletableFuture<Object> future = new CompletableFuture<>();
    Call call = new Call(script.sha(), script, keys, args, future);
    pending.add(call);
    if (!wakeDispatcher() && pending.remove(call)) {
      // No dispatcher could be started (e.g. no native thread left): nobody would send this call.
      future.completeExceptionally(new JedisException("the queue's dispatcher thread could not be started"));
      return future;
    }
    if (closing && pending.remove(call)) {
      // close() began meanwhile: it may not send this call any more, and nobody else will.
      future.completeExceptionally(closedError());
    }
    return future;
  }

  /** Whether the calling thread is this batcher's dispatcher, which completes the asynchronous calls. */
  boolean isDispatcher() {
    return Thread.currentThread() == dispatcher;
  }

  /** Calls queued and not yet taken for a batch; for tests. */
  int queued() {
    return pending.size();
  }

  /** Returns false only when no dispatcher runs and none could be started. */
  private boolean wakeDispatcher() {
    Thread d = dispatcher;
    if (d == null) {
      d = startDispatcher();
    }
    if (d != null && dispatcherIdle) {
      LockSupport.unpark(d);
    }
    return d != null || closing;
  }

  /** The dispatcher, started if none runs; null when closing or when the thread could not start. */
  private synchronized @Nullable Thread startDispatcher() {
    Thread d = dispatcher;
    if (d == null && !closing) {
      d = new Thread(this::dispatch, dispatcherName);
      d.setDaemon(true);
      // Published first so that the thread knows itself (isDispatcher) from its first step.
      dispatcher = d;
      try {
        d.start();
      } catch (Throwable t) { // e.g. OutOfMemoryError: unable to create native thread
        dispatcher = null; // a dead thread would strand every asynchronous call; the next one tries again
        log.error("Redis queue dispatcher {} could not be started", dispatcherName, t);
        return null;
      }
    }
    return d;
  }

  private void dispatch() {
    try {
      while (!closed) {
        // A stage may have interrupted this thread: parking would then return at once, for good.
        Thread.interrupted();
        boolean worked = false;
        if ((inFlight || !pending.isEmpty()) && combining.compareAndSet(false, true)) {
          boolean stepped = false;
          try {
            dispatchStep();
            stepped = true;
          } finally {
            release(stepped); // a batch may stay in flight, for whoever takes the connection next
          }
          worked = true;
        }
        // Completed only now, with the connection let go (a batch may be in flight on it): a
        // dependent stage may call again, or wait for another thread's blocking call, which then
        // reads the batch in flight before it sends its own. Not for an asynchronous call: only
        // this thread sends those.
        for (Call c; (c = answered.poll()) != null; ) {
          c.complete();
          worked = true;
        }
        if (worked) {
          continue;
        }
        if (closing && pending.isEmpty() && answered.isEmpty() && !inFlight) {
          flushed.countDown();
        }
        dispatcherIdle = true;
        // Calls queued while a waiting caller sends are looked at by that caller when it lets go:
        // it wakes this thread for what is left.
        if (answered.isEmpty() && (!inFlight && pending.isEmpty() || combining.get()) && !closed) {
          LockSupport.parkNanos(this, IDLE_PARK_NANOS);
        }
        dispatcherIdle = false;
      }
      flushed.countDown(); // closed, maybe by a stage on this thread: a later close() need not wait
    } catch (Throwable t) {
      // Nothing here should throw; if something does, no future may be left waiting for good.
      log.error("Redis queue dispatcher {} failed; failing the calls queued and starting afresh on the next one",
          dispatcherName, t);
      synchronized (this) {
        dispatcher = null; // the next asynchronous call starts a new one
      }
      // This fails calls queued meanwhile for a new dispatcher too (rare, and each gets an answer).
      JedisException failure = new JedisException("the queue's dispatcher failed: " + t, t);
      lockConnection();
      try {
        try {
          readInFlight();
        } catch (RuntimeException | Error again) {
          // Its calls have their answer (readHead answers them before it throws): fail the rest.
        }
        failPending(failure);
      } finally {
        release(false);
      }
      // Only with the connection let go: a stage making a blocking call would otherwise wait for
      // this very thread to let go of it, for good.
      completeAnswered();
      if (t instanceof VirtualMachineError e) {
        throw e;
      }
    }
  }

  private void lockConnection() {
    while (!combining.compareAndSet(false, true)) {
      LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(50));
    }
  }

  /**
   * Lets go of the connection. Only the dispatcher, after a step, leaves a batch in flight ({@code
   * keepInFlight}); otherwise anything still in flight (only after an Error could there be) is
   * failed and its connection discarded, never returned to the pool with replies unread.
   */
  private void release(boolean keepInFlight) {
    if (!keepInFlight && !unread.isEmpty()) {
      failUnread(new JedisException("the queue's batch was abandoned in flight"));
    }
    Thread waiter = null;
    for (Batch b : unread) {
      if (b.waiter != null) {
        waiter = b.waiter;
        break;
      }
    }
    inFlight = !unread.isEmpty();
    combining.set(false);
    if (waiter != null) {
      // A waiting caller's call is in the batch left in flight: it takes the connection and reads
      // it now, rather than when the dispatcher is done completing futures (its stages may be slow)
      // or when its safety-net park runs out. Its reading answers every call of the batch.
      LockSupport.unpark(waiter);
    }
  }

  /**
   * Reads the replies of whatever the dispatcher left in flight, handing them out (asynchronous
   * calls' to {@link #answered}). Called holding the connection, before anything else is sent on it.
   */
  private void readInFlight() {
    while (!unread.isEmpty()) {
      readHead();
    }
  }

  /** Batches sent while another was in flight, since this batcher was made. */
  long overlapped() {
    return overlapped;
  }

  /**
   * Fails every queued call; an asynchronous one joins {@code answered}, to be completed by the
   * caller once it has let go of the connection. Called holding the connection.
   */
  private void failPending(JedisException failure) {
    for (Call c; (c = pending.poll()) != null; ) {
      c.finish(null, failure);
    }
  }

  private void completeAnswered() {
    for (Call c; (c = answered.poll()) != null; ) {
      c.complete();
    }
  }

  Object evalsha(String sha, List<String> keys, List<String> args) {
    if (closing) {
      throw closedError();
    }
    Call call = new Call(sha, null, keys, args, null);
    pending.add(call);
    boolean interrupted = false;
    while (!call.done) {
      if (combining.compareAndSet(false, true)) {
        try {
          sendTurn(call);
        } finally {
          release(false);
          afterTurn(); // also after an Error: what is left is handed on
        }
        continue;
      }
      LockSupport.parkNanos(this, waitParkNanos);
      // The call is on its way and cannot be taken back: finish it, keep the interrupt for later.
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return call.result();
  }

  /**
   * After a waiting caller's turn, with the connection let go: hands on what is left. Calls queued
   * after this look find the connection free and send themselves, or wake the dispatcher.
   */
  private void afterTurn() {
    Call head = pending.peek();
    if (head != null && head.future == null) {
      LockSupport.unpark(head.caller); // its turn now, unless the dispatcher is quicker
    }
    if (head != null || !answered.isEmpty()) {
      Thread d = dispatcher;
      if (d != null && !closed) {
        LockSupport.unpark(d);
      } else if (d == null && head != null && head.future != null && !closing && startDispatcher() != null) {
        // started; it sends what is left and completes what is answered
      } else {
        completeAnswered(); // nobody else will
      }
    }
  }

  /**
   * Sends queued calls, one batch for the dispatcher ({@code own} null), or until the batch that
   * answered {@code own}, one batch in flight at a time. Reads what the dispatcher left in flight
   * first, and leaves nothing in flight. Called holding the connection. A waiting caller whose call
   * was in the batch it read first sends nothing: calls queued after its own are not its to send.
   */
  private void sendTurn(@Nullable Call own) {
    readInFlight();
    while (own == null || !own.done) {
      List<Call> batch = take(MAX_BATCH);
      if (batch.isEmpty()) {
        return;
      }
      write(batch);
      if (!unread.isEmpty()) { // else the write failed: its calls have their answer
        readHead();
      }
      if (own == null) {
        return; // the dispatcher's one batch
      }
    }
  }

  /**
   * One step of the dispatcher: writes what is queued, with up to two batches in flight, and reads
   * the oldest batch's replies (flushing the one behind it). The batch behind stays in flight: the
   * dispatcher lets go of the connection and completes the futures of the batch read while Redis
   * runs it, and whoever takes the connection next reads it first. With nothing in flight once
   * closed, nothing new is written (close fails what is queued); with a batch in flight, it is read
   * and its calls get their replies. Called holding the connection, on the dispatcher.
   */
  private void dispatchStep() {
    if (unread.isEmpty()) {
      if (closed) {
        return;
      }
      int known = knownPrefix(MAX_BATCH);
      List<Call> batch = take(MAX_BATCH);
      if (batch.isEmpty()) {
        return;
      }
      if (batch.size() >= 2 * MIN_OVERLAP && known >= batch.size()) {
        // Two halves: the futures of the first complete (and their stages make the next calls)
        // while Redis runs the second, and so on.
        int half = (batch.size() + 1) / 2;
        write(List.copyOf(batch.subList(0, half)));
        if (!unread.isEmpty()) {
          writeBehind(List.copyOf(batch.subList(half, batch.size())));
        } else {
          // The first half's connection failed as it was written (its calls have their answer):
          // the second goes alone on the next connection.
          write(List.copyOf(batch.subList(half, batch.size())));
        }
      } else {
        write(batch);
      }
    } else if (!closed && unread.size() == 1 && unread.peek().known) {
      // Only calls of scripts known loaded here go behind: see the class comment on NOSCRIPT.
      int known = knownPrefix(MAX_BATCH);
      if (known >= MIN_OVERLAP) {
        writeBehind(take(known));
      }
    }
    if (!unread.isEmpty()) { // else a write failed: its calls have their answer
      readHead(); // flushes what was written behind it too
    }
  }

  private void writeBehind(List<Call> calls) {
    Consumer<Connection> hook = beforeWritingBehind;
    if (hook != null) {
      try {
        hook.accept(connection());
      } catch (RuntimeException | Error e) {
        log.warn("test hook failed", e); // the calls are taken: they must still be written
      }
    }
    write(calls);
    overlapped++;
  }

  /**
   * How many of the calls queued first (up to {@code max}) are of scripts known loaded on this
   * connection. Only the holder takes calls from the queue, so they are the ones it takes next.
   */
  private int knownPrefix(int max) {
    if (loaded.isEmpty()) {
      return 0;
    }
    int n = 0;
    for (Call c : pending) {
      if (n == max || !loaded.contains(wireSha(c))) {
        break;
      }
      n++;
    }
    return n;
  }

  /** The SHA a call is sent by: its script's combined form's, if it has one. */
  private String wireSha(Call c) {
    LuaScript form = combined.isEmpty() ? null : combined.get(c.sha);
    return form == null ? c.sha : form.sha();
  }

  private List<Call> take(int max) {
    List<Call> batch = new ArrayList<>(Math.min(max, 64));
    for (Call c; batch.size() < max && (c = pending.poll()) != null; ) {
      batch.add(c);
    }
    return batch;
  }

  /**
   * Writes a batch's commands to the connection, behind whatever is in flight, without flushing
   * them (reading the head's replies does). A failure fails every batch in flight, this one too.
   */
  private void write(List<Call> calls) {
    if (closed) {
      // Never sent: only these fail. What is in flight is read, and answered with its replies.
      JedisConnectionException failure = closedError();
      for (Call c : calls) {
        c.finish(null, failure);
      }
      return;
    }
    Batch b = new Batch(wires(calls));
    unread.add(b); // first: a failure below answers its calls with the others in flight
    try {
      Connection c = connection();
      b.connection = c;
      Pipeline p = new Pipeline(c, false);
      b.pipeline = p;
      boolean known = true;
      for (Wire w : b.wires) {
        b.responses.add(p.evalsha(w.sha, w.keys, w.args));
        known &= loaded.contains(w.sha);
      }
      b.known = known;
    } catch (RuntimeException | Error e) {
      failUnread(e);
      if (e instanceof Error error) {
        throw error; // the batch's callers have their answer; the thread's owner decides the rest
      }
    }
  }

  /**
   * Discards the connection (something was written to it and not all read: it never goes back to
   * the pool for reuse) and fails every call in flight on it.
   */
  private void failUnread(Throwable e) {
    JedisException failure = asJedis(e);
    dropConnection(true);
    for (Batch b; (b = unread.poll()) != null; ) {
      for (Wire w : b.wires) {
        for (Call c : w.calls) {
          c.finish(null, failure);
        }
      }
    }
  }

  /**
   * Reads the replies of the oldest batch in flight (flushing what was written behind it) and hands
   * them out. If any met NOSCRIPT or a redirection, the batch behind is read too, before the calls
   * that met NOSCRIPT are sent again, in order, and before the connection is dropped.
   */
  private void readHead() {
    List<Batch> read = new ArrayList<>(2);
    try {
      Batch head = unread.peek();
      readReplies(head);
      unread.poll();
      read.add(head);
      if (head.mustReadBehind()) {
        for (Batch b; (b = unread.peek()) != null; ) {
          readReplies(b);
          unread.poll();
          read.add(b);
        }
      }
    } catch (RuntimeException | Error e) {
      failUnread(e);
      if (!read.isEmpty()) {
        // Read, but what ran behind it is unknown: calls that met NOSCRIPT are not sent again, as
        // they might then run after later calls of their thread.
        JedisException failure = asJedis(e);
        for (Batch b : read) {
          for (int i = 0; i < b.errors.length; i++) {
            if (b.errors[i] instanceof JedisNoScriptException && b.wires.get(i).script != null) {
              b.errors[i] = failure;
            }
          }
          b.finishAll();
        }
      }
      if (e instanceof Error error) {
        throw error;
      }
      return;
    }
    Error fatal = settle(read);
    if (fatal != null) {
      throw fatal; // the batches' callers have their answer; the thread's owner decides the rest
    }
  }

  private static void readReplies(Batch b) {
    b.pipeline.sync();
    read(b.responses, b.replies, b.errors, null);
  }

  /**
   * Hands out the replies of batches read (one, or two when the first met NOSCRIPT or a
   * redirection), after sending again, in order, the calls that met NOSCRIPT.
   */
  private @Nullable Error settle(List<Batch> read) {
    List<Wire> wires;
    Object[] replies;
    JedisException[] errors;
    if (read.size() == 1) {
      Batch b = read.get(0);
      wires = b.wires;
      replies = b.replies;
      errors = b.errors;
    } else {
      wires = new ArrayList<>();
      List<Object> r = new ArrayList<>();
      List<JedisException> e = new ArrayList<>();
      for (Batch b : read) {
        wires.addAll(b.wires);
        r.addAll(java.util.Arrays.asList(b.replies));
        e.addAll(java.util.Arrays.asList(b.errors));
      }
      replies = r.toArray();
      errors = e.toArray(JedisException[]::new);
      failOutOfOrder(read, errors);
    }
    // Only now: the replies were read, and a call Redis ran must not be reported as failed because
    // another call's reload failed.
    Connection sentOn = read.get(0).connection;
    Error fatal = reloadAndResend(wires, replies, errors);
    boolean redirected = false;
    boolean sameConnection = connection != null && connection == sentOn;
    for (int i = 0; i < wires.size(); i++) {
      JedisException error = errors[i];
      redirected |= error instanceof JedisRedirectionException;
      if (error instanceof JedisNoScriptException) {
        loaded.remove(wires.get(i).sha);
      } else if (sameConnection && (error == null || raisedByScript(error))) {
        loaded.add(wires.get(i).sha); // it ran here
      }
      wires.get(i).finish(replies[i], error);
    }
    if (redirected) {
      // Cluster: the slot lives elsewhere now; the next batch asks for a connection afresh.
      dropConnection(!unread.isEmpty());
    }
    return fatal;
  }

  /**
   * Whether an error can only have come from the script's own body, so that the script was found
   * and ran: Redis tags those (a failed {@code redis.call}, a Lua runtime error) with the script's
   * name, {@code @user_script} (7.0: "... script: SHA, on @user_script:1."; 6.x: "Error running script (call to
   * f_SHA): @user_script:1: ..."). Errors met before the script is looked up (BUSY, LOADING,
   * READONLY, NOPERM, OOM, MASTERDOWN, a redirection...) say nothing about it being loaded; nor does
   * a script's own {@code redis.error_reply}, which is untagged: such a call leaves it unknown.
   */
  static boolean raisedByScript(JedisException error) {
    String m = error.getMessage();
    return error instanceof JedisDataException && !(error instanceof JedisRedirectionException)
        && !(error instanceof JedisBusyException) && m != null && m.contains("@user_script:");
  }

  /**
   * Two batches were in flight and the first has calls that met NOSCRIPT: if a later call of one of
   * their threads ran in the second (another client loaded the script in between), sending them
   * again would run them after it. They fail instead; their callers are told why.
   */
  private static void failOutOfOrder(List<Batch> read, JedisException[] errors) {
    Set<Thread> ranLater = new HashSet<>();
    int base = read.get(0).wires.size();
    for (int b = 1; b < read.size(); b++) {
      Batch later = read.get(b);
      for (int i = 0; i < later.wires.size(); i++) {
        JedisException e = later.errors[i];
        if (e == null || !(e instanceof JedisNoScriptException || e instanceof JedisRedirectionException)) {
          for (Call c : later.wires.get(i).calls) {
            ranLater.add(c.caller);
          }
        }
      }
    }
    if (ranLater.isEmpty()) {
      return;
    }
    Batch first = read.get(0);
    for (int i = 0; i < base; i++) {
      Wire w = first.wires.get(i);
      if (errors[i] instanceof JedisNoScriptException && w.script != null
          && w.calls.stream().anyMatch(c -> ranLater.contains(c.caller))) {
        errors[i] = new JedisDataException("not run: the script was not loaded on the Redis server (NOSCRIPT), "
            + "and a later call of the same thread had already run; not sent again, so as not to run it "
            + "out of order");
      }
    }
  }

  /**
   * The commands a batch is sent as: one per call, except that every call of a combinable script
   * goes in its combined form — runs of consecutive calls with the same keys (up to {@link
   * #MAX_COMBINED}) as one call of it, a lone call as a combined call of one. The calls keep their
   * order. A combinable script is thus only ever sent by one SHA: were a lone call sent in its plain
   * form, a batch could meet NOSCRIPT for one form and not the other (only one loaded, after a
   * restart or SCRIPT FLUSH or on first use), run the later calls of the loaded form and the earlier
   * ones of the other only when sent again — out of their thread's order.
   */
  private List<Wire> wires(List<Call> batch) {
    List<Wire> wires = new ArrayList<>(batch.size());
    int n = batch.size();
    for (int i = 0; i < n; ) {
      Call first = batch.get(i);
      LuaScript form = combined.isEmpty() ? null : combined.get(first.sha);
      int end = i + 1;
      if (form == null) {
        wires.add(new Wire(first.sha, first.script, first.keys, first.args, List.of(first), false));
      } else {
        while (end < n && end - i < MAX_COMBINED && batch.get(end).sha.equals(first.sha)
            && batch.get(end).keys.equals(first.keys)) {
          end++;
        }
        // A copy: the batch is cleared once sent, and a wire may still be read after that.
        List<Call> calls = List.copyOf(batch.subList(i, end));
        List<String> args = new ArrayList<>();
        for (Call c : calls) {
          args.add(Integer.toString(c.args.size()));
          args.addAll(c.args);
        }
        wires.add(new Wire(form.sha(), form, first.keys, args, calls, true));
      }
      i = end;
    }
    return wires;
  }

  /**
   * The asynchronous and combined calls of the batch that met NOSCRIPT: loads their scripts on this connection
   * and sends them again, in the batch's order, before anything else is sent. Waiting callers'
   * other calls recover on their own thread ({@link LuaScript#run}), where order is theirs to keep. Order
   * holds unless another client's SCRIPT LOAD lands while Redis runs the batch (later calls then run
   * before the earlier ones sent again), or its SCRIPT FLUSH between the load and the calls after it.
   * If this round fails, only the calls sent again fail (the connection is dropped); an Error is
   * returned for the caller to throw once every call of the batch has its answer.
   */
  private @Nullable Error reloadAndResend(List<Wire> batch, Object[] replies, JedisException[] errors) {
    List<Integer> again = new ArrayList<>();
    Set<LuaScript> scripts = new LinkedHashSet<>();
    for (int i = 0; i < batch.size(); i++) {
      Wire c = batch.get(i);
      if (errors[i] instanceof JedisNoScriptException && c.script != null) {
        again.add(i);
        scripts.add(c.script);
      }
    }
    if (again.isEmpty()) {
      return null;
    }
    try {
      Pipeline p = new Pipeline(connection(), false);
      List<Response<String>> loads = new ArrayList<>();
      for (LuaScript s : scripts) {
        loads.add(p.scriptLoad(s.source(), batch.get(again.get(0)).keys.get(0)));
      }
      List<Response<Object>> responses = new ArrayList<>(again.size());
      for (int i : again) {
        Wire c = batch.get(i);
        responses.add(p.evalsha(c.sha, c.keys, c.args));
      }
      p.sync();
      for (Response<String> load : loads) {
        load.get(); // a refused load fails the calls sent again
      }
      read(responses, replies, errors, again);
      return null;
    } catch (RuntimeException | Error e) {
      dropConnection(true); // what was written may not all be read
      JedisException failure = asJedis(e);
      for (int i : again) {
        replies[i] = null;
        errors[i] = failure;
      }
      return e instanceof Error error ? error : null;
    }
  }

  private static void read(List<Response<Object>> responses, Object[] replies, JedisException[] errors,
      @Nullable List<Integer> at) {
    for (int k = 0; k < responses.size(); k++) {
      int i = at == null ? k : at.get(k);
      try {
        replies[i] = responses.get(k).get();
        errors[i] = null;
      } catch (JedisException e) {
        replies[i] = null;
        errors[i] = e; // e.g. NOSCRIPT or a redirection, for this call only
      }
    }
  }

  private static JedisException asJedis(Throwable e) {
    if (e instanceof JedisException je) {
      return je;
    }
    if (e instanceof IllegalStateException) {
      return new JedisConnectionException(e); // e.g. a pool that is closed
    }
    return new JedisException("unexpected failure sending a batch: " + e, e);
  }

  /**
   * A new exception of the same type (for the types callers tell apart: the recovery looks for
   * NOSCRIPT and redirections) with the same message and cause, and the current thread's stack.
   */
  static JedisException copyOf(JedisException e) {
    String m = e.getMessage();
    Throwable cause = e.getCause();
    if (e instanceof JedisMovedDataException r) {
      return new JedisMovedDataException(m, cause, r.getTargetNode(), r.getSlot());
    }
    if (e instanceof JedisAskDataException r) {
      return new JedisAskDataException(m, cause, r.getTargetNode(), r.getSlot());
    }
    if (e instanceof JedisRedirectionException r) {
      return new JedisRedirectionException(m, cause, r.getTargetNode(), r.getSlot());
    }
    if (e instanceof JedisNoScriptException) {
      return new JedisNoScriptException(m, cause);
    }
    if (e instanceof JedisBusyException) {
      return new JedisBusyException(m, cause);
    }
    if (e instanceof JedisClusterException) {
      return new JedisClusterException(m, cause);
    }
    if (e instanceof JedisDataException) {
      return new JedisDataException(m, cause);
    }
    if (e instanceof JedisConnectionException) {
      return new JedisConnectionException(m, cause);
    }
    return new JedisException(m, cause);
  }

  private static JedisConnectionException closedError() {
    return new JedisConnectionException("the queue is closed");
  }

  private Connection connection() {
    Connection c = connection;
    if (c == null) {
      c = pool.get();
      connection = c;
    }
    return c;
  }

  /**
   * Lets go of the connection. {@code broken}: something written to it may be unread (replies, or
   * commands not even flushed): the pool must discard it, or a later command of the pool's user
   * would read another's reply.
   */
  private void dropConnection(boolean broken) {
    Connection c = connection;
    connection = null;
    loaded.clear();
    if (c != null) {
      if (broken) {
        c.setBroken();
      }
      try {
        c.close(); // back to the pool, which discards it if broken
      } catch (RuntimeException e) {
        // already unusable
      }
    }
  }

  /**
   * Takes no more calls, lets the dispatcher send what is queued for up to {@link
   * #CLOSE_FLUSH_NANOS} (as a Kafka producer's close does), then fails what is left. Not strictly
   * that long: it then waits for a waiting caller's turn in progress, if any, which the socket
   * timeouts bound. Called from a stage on the dispatcher thread, it sends what is queued itself.
   */
  @Override
  public void close() {
    closing = true;
    Thread d = dispatcher;
    if (d == Thread.currentThread()) {
      flushInline(); // called from a stage on the dispatcher: nobody else would count the latch down
    } else if (d != null) {
      LockSupport.unpark(d);
      try {
        flushed.await(CLOSE_FLUSH_NANOS, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // stop flushing; fail the rest below
      }
    }
    closed = true;
    d = dispatcher;
    if (d != null) {
      LockSupport.unpark(d);
    }
    // Waits for a waiting caller's turn or the dispatcher's step, if one is sending: bounded by
    // the socket timeouts.
    lockConnection();
    try {
      // Redis runs what is in flight: its calls get their replies, only what was never sent fails.
      readInFlight();
      failPending(closedError());
      dropConnection(false);
    } finally {
      release(false);
    }
    completeAnswered(); // with the connection let go, as everywhere
  }

  /** On the dispatcher thread: sends what is queued itself, for up to {@link #CLOSE_FLUSH_NANOS}. */
  private void flushInline() {
    long deadline = System.nanoTime() + CLOSE_FLUSH_NANOS;
    while (!pending.isEmpty() && System.nanoTime() - deadline < 0) {
      if (combining.compareAndSet(false, true)) {
        try {
          sendTurn(null); // reads what is in flight first
        } finally {
          release(false);
        }
      } else {
        LockSupport.parkNanos(this, PARK_NANOS); // a waiting caller is sending
      }
    }
  }

  /** Commands written to the connection in one go, and, once read, their replies. */
  private static final class Batch {
    final List<Wire> wires;
    final List<Response<Object>> responses;
    final Object[] replies;
    final JedisException[] errors;
    /** Set once written. */
    @Nullable Connection connection;
    @Nullable Pipeline pipeline;
    /** Every script it calls had run on the connection when it was written. */
    boolean known;
    /** The caller of a blocking call in it, if any: woken to read it if it is left in flight. */
    final @Nullable Thread waiter;

    Batch(List<Wire> wires) {
      this.wires = wires;
      Thread w = null;
      for (int i = 0; i < wires.size() && w == null; i++) {
        for (Call c : wires.get(i).calls) {
          if (c.future == null) {
            w = c.caller;
            break;
          }
        }
      }
      this.waiter = w;
      this.responses = new ArrayList<>(wires.size());
      this.replies = new Object[wires.size()];
      this.errors = new JedisException[wires.size()];
    }

    /** Whether the batch behind must be read before this one's replies are handed out. */
    boolean mustReadBehind() {
      for (JedisException e : errors) {
        if (e instanceof JedisNoScriptException || e instanceof JedisRedirectionException) {
          return true;
        }
      }
      return false;
    }

    /** Hands each call its reply or error as read. */
    void finishAll() {
      for (int i = 0; i < wires.size(); i++) {
        wires.get(i).finish(replies[i], errors[i]);
      }
    }
  }

  /** One command of a batch: one call, or several combined into one. */
  private static final class Wire {
    final String sha;
    /** Set when the batcher recovers from NOSCRIPT itself: an asynchronous or combined call. */
    final @Nullable LuaScript script;
    final List<String> keys;
    final List<String> args;
    final List<Call> calls;
    /** Sent in a script's combined form: the reply has one entry per call. */
    final boolean combinedForm;

    Wire(String sha, @Nullable LuaScript script, List<String> keys, List<String> args, List<Call> calls,
        boolean combinedForm) {
      this.sha = sha;
      this.script = script;
      this.keys = keys;
      this.args = args;
      this.calls = calls;
      this.combinedForm = combinedForm;
    }

    /** Hands each call its part of the reply: a combined call's reply has one entry per call. */
    void finish(@Nullable Object reply, @Nullable JedisException error) {
      if (!combinedForm) {
        calls.get(0).finish(reply, error);
        return;
      }
      if (error == null && !(reply instanceof List<?> entries && entries.size() == calls.size())) {
        error = new JedisDataException("unexpected reply to a combined script call ("
            + (reply == null ? "nothing" : reply.getClass().getSimpleName()) + " for " + calls.size() + " calls)");
      }
      if (error != null) {
        for (Call c : calls) {
          // The combined call's own error, or a reply that cannot be split: each call gets it (each
          // caller its own copy: see Call.result).
          c.finish(null, error);
        }
        return;
      }
      List<?> entries = (List<?>) reply;
      for (int i = 0; i < calls.size(); i++) {
        Object entry = entries.get(i);
        if (entry instanceof JedisException e) {
          calls.get(i).finish(null, e); // this call's error only: the others ran
        } else {
          calls.get(i).finish(entry, null);
        }
      }
    }
  }

  private final class Call {
    final String sha;
    /** Set for an asynchronous call, which recovers from NOSCRIPT inside the batcher. */
    final @Nullable LuaScript script;
    final List<String> keys;
    final List<String> args;
    final Thread caller = Thread.currentThread();
    /** Null for a caller that waits; set for an asynchronous call. */
    final @Nullable CompletableFuture<Object> future;
    private @Nullable Object reply;
    private @Nullable JedisException error;
    volatile boolean done;

    Call(String sha, @Nullable LuaScript script, List<String> keys, List<String> args,
        @Nullable CompletableFuture<Object> future) {
      this.sha = sha;
      this.script = script;
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
        // A fresh exception per caller: one error may answer a whole batch, and callers on other
        // threads would otherwise share (and could alter, e.g. addSuppressed) one instance.
        throw copyOf(error);
      }
      return reply;
    }
  }
}
