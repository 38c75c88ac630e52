package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@link ScriptBatcher}'s dispatcher with two batches in flight on its connection, against a real
 * redis-server: NOSCRIPT met with a second batch in flight, the connection killed with two in
 * flight, a stage calling in synchronously with a batch in flight, and order under 32 threads.
 */
class ScriptBatcherOverlapTest {
  /** Appends ARGV[1] to KEYS[1]'s log and returns it. */
  private static final LuaScript LOG = LuaScript.of("overlap-log", """
      redis.call('RPUSH', KEYS[1], ARGV[1])
      return ARGV[1]
      """);
  /** Keeps Redis busy for ARGV[1] microseconds: the batch it is in stays in flight that long. */
  private static final LuaScript SLOW = LuaScript.of("overlap-slow", """
      local t0 = redis.call('TIME')
      local start = tonumber(t0[1]) * 1000000 + tonumber(t0[2])
      local limit = tonumber(ARGV[1])
      repeat
        local t = redis.call('TIME')
      until tonumber(t[1]) * 1000000 + tonumber(t[2]) - start >= limit
      return 1
      """);
  private static final LuaScript NOOP = LuaScript.of("overlap-noop", "return 1");
  /** Sets KEYS[1] to ARGV[1] and returns it. */
  private static final LuaScript MARK = LuaScript.of("overlap-mark", """
      redis.call('SET', KEYS[1], ARGV[1])
      return ARGV[1]
      """);
  private static final LuaScript ADD = RedisJobQueue.ADD;
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create().flushAfterEach();
  private static RedisClient admin;

  private final List<String> key = List.of("overlap-" + UUID.randomUUID());
  private ScriptBatcher batcher;

  @BeforeAll
  static void connect() {
    admin = server.client();
  }

  @AfterEach
  void close() {
    if (batcher != null) {
      batcher.close();
    }
  }

  /**
   * Blocks the dispatcher in a stage of a call of its own until the returned latch opens: every call
   * queued meanwhile goes out at once when it opens, as the two halves of one turn's calls.
   */
  private static CountDownLatch blockDispatcher(ScriptBatcher b) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    while (true) {
      CountDownLatch ran = new CountDownLatch(1);
      AtomicBoolean onDispatcher = new AtomicBoolean();
      b.evalshaAsync(NOOP, List.of("noop"), List.of()).thenRun(() -> {
        // A future already complete runs its stage on this test thread: then try again.
        onDispatcher.set(b.isDispatcher());
        ran.countDown();
        if (onDispatcher.get()) {
          awaitQuietly(release);
        }
      });
      assertThat(ran.await(30, TimeUnit.SECONDS)).as("the stage ran").isTrue();
      if (onDispatcher.get()) {
        return release;
      }
    }
  }

  @Test
  void aScriptFlushMetByTwoBatchesInFlightSendsBothAgainInOrder() throws Exception {
    batcher = new ScriptBatcher(() -> admin.getPool().getResource(), "test-dispatch");
    assertThat(batcher.evalshaAsync(LOG, key, List.of("first")).get(30, TimeUnit.SECONDS)).isEqualTo("first");
    CountDownLatch release = blockDispatcher(batcher);
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    List<String> expected = new ArrayList<>(List.of("first"));
    for (int i = 0; i < 200; i++) {
      futures.add(batcher.evalshaAsync(LOG, key, List.of("v" + i)));
      expected.add("v" + i);
    }
    admin.scriptFlush(); // both halves meet NOSCRIPT, the second sent before the first's replies are read
    long overlappedBefore = batcher.overlapped();
    release.countDown();

    for (int i = 0; i < futures.size(); i++) {
      assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("v" + i);
    }
    assertThat(batcher.overlapped() - overlappedBefore).as("batches sent behind another").isPositive();
    assertThat(admin.lrange(key.get(0), 0, -1)).as("each ran once, in order").isEqualTo(expected);
  }

  /**
   * Add goes by its combined form's SHA only. With add's combined form known to have run on the
   * connection, a SCRIPT FLUSH, and then only one of add's forms loaded again: the two halves in
   * flight either both meet NOSCRIPT and are sent again in order, or both run.
   */
  @ParameterizedTest(name = "only the {0} form of add loaded")
  @ValueSource(strings = {"plain", "combined"})
  void oneThreadsAddsKeepTheirOrderWithTwoBatchesInFlightWhateverFormOfAddIsLoaded(String form)
      throws Exception {
    batcher = new ScriptBatcher(() -> admin.getPool().getResource(), "test-dispatch", List.of(ADD));
    String id = UUID.randomUUID().toString();
    List<String> queue = List.of("snapasset:{overlap-" + id + "}:");
    List<String> other = List.of("snapasset:{overlap-other-" + id + "}:");
    assertThat(batcher.evalshaAsync(ADD, queue, addArgs("j0")).get(30, TimeUnit.SECONDS)).isEqualTo(List.of(1L));
    CountDownLatch release = blockDispatcher(batcher);
    admin.scriptFlush();
    admin.scriptLoad(NOOP.source());
    admin.scriptLoad(form.equals("plain") ? ADD.source() : ADD.combined().source());
    List<String> expected = new ArrayList<>(List.of("j0"));
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      // Runs of adds to this queue, broken by adds to another: several combined calls per half.
      List<String> to = i % 7 == 0 ? other : queue;
      futures.add(batcher.evalshaAsync(ADD, to, addArgs("j" + i)));
      if (to == queue) {
        expected.add("j" + i);
      }
    }
    long overlappedBefore = batcher.overlapped();
    release.countDown();

    for (CompletableFuture<Object> f : futures) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(List.of(1L));
    }
    assertThat(batcher.overlapped() - overlappedBefore).as("batches sent behind another").isPositive();
    assertThat(admin.zrange(queue.get(0) + "wait", 0, -1)).as("the order jobs are claimed in").isEqualTo(expected);
    assertThat(admin.zcard(other.get(0) + "wait")).isEqualTo(100 / 7);
    assertThat(admin.scriptExists("any", ADD.combined().sha(), ADD.sha()))
        .isEqualTo(List.of(true, form.equals("plain")));
  }

  @Test
  void aScriptNotYetRunOnTheConnectionIsNeverInFlightBesideAnotherBatch() throws Exception {
    admin.scriptFlush();
    batcher = new ScriptBatcher(() -> admin.getPool().getResource(), "test-dispatch");
    CountDownLatch release = blockDispatcher(batcher); // NOOP has run on the connection; LOG has not
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      futures.add(batcher.evalshaAsync(LOG, key, List.of("v" + i)));
    }
    long overlappedBefore = batcher.overlapped();
    release.countDown();

    for (int i = 0; i < futures.size(); i++) {
      assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("v" + i);
    }
    // One batch, which met NOSCRIPT and was sent again once loaded.
    assertThat(batcher.overlapped() - overlappedBefore).isZero();
    assertThat(admin.llen(key.get(0))).isEqualTo(100);
  }

  @Test
  void aConnectionKilledWithTwoBatchesInFlightAnswersEveryCallOnceWithAConnectionError() throws Exception {
    try (RedisTestServer own = RedisTestServer.start(); RedisClient client = RedisClient.create(own.url())) {
      batcher = new ScriptBatcher(() -> client.getPool().getResource(), "test-dispatch");
      // Both scripts run once on the connection: the next calls may go in two batches in flight.
      batcher.evalshaAsync(SLOW, key, List.of("0")).get(30, TimeUnit.SECONDS);
      batcher.evalshaAsync(LOG, key, List.of("before")).get(30, TimeUnit.SECONDS);
      CountDownLatch release = blockDispatcher(batcher);
      List<CompletableFuture<Object>> futures = new ArrayList<>();
      AtomicInteger answers = new AtomicInteger();
      // First in the first half: Redis runs it for up to 20 s while both halves are in flight.
      futures.add(batcher.evalshaAsync(SLOW, key, List.of("20000000")));
      for (int i = 0; i < 40; i++) {
        futures.add(batcher.evalshaAsync(LOG, key, List.of("v" + i)));
      }
      for (CompletableFuture<Object> f : futures) {
        f.whenComplete((reply, error) -> answers.incrementAndGet());
      }
      long overlappedBefore = batcher.overlapped();
      release.countDown();
      Await.until("a second batch in flight", Duration.ofSeconds(10), () -> batcher.overlapped() > overlappedBefore);
      own.kill();

      for (CompletableFuture<Object> f : futures) {
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(JedisConnectionException.class);
      }
      assertThat(answers.get()).as("answers for %d calls", futures.size()).isEqualTo(futures.size());
      // No call is left behind either: the batcher goes on with a fresh connection once Redis is back.
      own.crashAndRestart();
      Await.until("Redis back", Duration.ofSeconds(30), () -> {
        // The pool's old connections fail until it has new ones.
        return "after".equals(batcher.evalshaAsync(LOG, key, List.of("after")).exceptionally(e -> null).join());
      });
      batcher.close();
      batcher = null;
    }
  }

  @Test
  void aStageOnTheDispatcherCallingSynchronouslyWithABatchInFlightIsAnsweredInOrder() throws Exception {
    batcher = new ScriptBatcher(() -> admin.getPool().getResource(), "test-dispatch");
    assertThat(batcher.evalshaAsync(LOG, key, List.of("first")).get(30, TimeUnit.SECONDS)).isEqualTo("first");
    String stageKey = key.get(0) + "-stage";
    CountDownLatch release = blockDispatcher(batcher);
    List<CompletableFuture<Object>> stages = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      int n = i;
      // The first half's stages run while the second half is in flight; each makes a blocking call.
      stages.add(batcher.evalshaAsync(LOG, key, List.of("v" + i))
          .thenApply(reply -> batcher.evalsha(LOG.sha(), List.of(stageKey), List.of("s" + n))));
    }
    long overlappedBefore = batcher.overlapped();
    release.countDown();

    for (int i = 0; i < stages.size(); i++) {
      assertThat(stages.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("s" + i);
    }
    assertThat(batcher.overlapped() - overlappedBefore).isPositive();
    List<String> expected = new ArrayList<>(List.of("first"));
    List<String> expectedStages = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      expected.add("v" + i);
      expectedStages.add("s" + i);
    }
    assertThat(admin.lrange(key.get(0), 0, -1)).isEqualTo(expected);
    assertThat(admin.lrange(stageKey, 0, -1)).isEqualTo(expectedStages);
    admin.del(stageKey);
  }

  @Test
  void thirtyTwoThreadsCallsRunInEachThreadsOrderWithBatchesOverlapping() throws Exception {
    batcher = new ScriptBatcher(() -> admin.getPool().getResource(), "test-dispatch", List.of(LOG));
    int threads = 32;
    int each = 300;
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
          List<CompletableFuture<Object>> async = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            String v = thread + ":" + i;
            if (thread % 4 == 0 && i % 10 == 0) {
              // Some blocking calls between the async ones: they keep their place in the thread's order.
              assertThat(batcher.evalsha(LOG.combined().sha(), key, List.of("1", v))).isEqualTo(List.of(v));
            } else {
              async.add(batcher.evalshaAsync(LOG, key, List.of(v)).thenApply(r -> List.of(v, r)));
            }
          }
          for (CompletableFuture<Object> f : async) {
            List<?> pair = (List<?>) f.get(60, TimeUnit.SECONDS);
            assertThat(pair.get(1)).isEqualTo(pair.get(0)); // its own reply
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      th.start();
      started.add(th);
    }
    admin.scriptLoad(LOG.combined().source()); // the blocking calls send the combined form's SHA directly
    start.countDown();
    for (Thread th : started) {
      th.join(120_000);
    }
    assertThat(failure.get()).isNull();

    List<String> log = admin.lrange(key.get(0), 0, -1);
    assertThat(log).hasSize(threads * each);
    Map<String, Integer> lastPerThread = new HashMap<>();
    for (String entry : log) {
      String[] parts = entry.split(":");
      int previous = lastPerThread.getOrDefault(parts[0], -1);
      assertThat(Integer.parseInt(parts[1])).as("thread %s's order", parts[0]).isEqualTo(previous + 1);
      lastPerThread.put(parts[0], previous + 1);
    }
    assertThat(batcher.overlapped()).as("batches sent behind another").isPositive();
  }

  /**
   * close() whose flush runs out while the dispatcher has a batch in flight (its stage blocks): the
   * batch in flight ran in Redis, so its calls get their replies; only what was never sent fails;
   * and the connection goes back to the pool clean, so the pool's next command reads its own reply.
   */
  @Test
  void closeRunningOutWithABatchInFlightAnswersItsCallsAndLeavesThePoolClean() throws Exception {
    try (RedisClient client = RedisClient.create(server.url())) {
      batcher = new ScriptBatcher(() -> client.getPool().getResource(), "test-dispatch");
      batcher.evalshaAsync(LOG, key, List.of("first")).get(30, TimeUnit.SECONDS);
      CountDownLatch release = blockDispatcher(batcher);
      CountDownLatch inStage = new CountDownLatch(1);
      CountDownLatch stageRelease = new CountDownLatch(1);
      List<CompletableFuture<Object>> futures = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        CompletableFuture<Object> f = batcher.evalshaAsync(LOG, key, List.of("v" + i));
        if (i == 0) {
          // Runs once the first half (128 calls) is read, with the second half (128) in flight.
          f.thenRun(() -> {
            inStage.countDown();
            awaitQuietly(stageRelease);
          });
        }
        futures.add(f);
      }
      release.countDown();
      assertThat(inStage.await(30, TimeUnit.SECONDS)).isTrue();
      try {
        batcher.close(); // the dispatcher sends nothing more: the flush runs out
      } finally {
        stageRelease.countDown();
      }
      batcher = null;

      List<String> expected = new ArrayList<>(List.of("first"));
      for (int i = 0; i < 256; i++) {
        assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).as("call %d, sent before close", i).isEqualTo("v" + i);
        expected.add("v" + i);
      }
      for (int i = 256; i < 300; i++) {
        CompletableFuture<Object> f = futures.get(i);
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).as("call %d, never sent", i)
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(JedisConnectionException.class)
            .hasMessageContaining("closed");
      }
      assertThat(admin.lrange(key.get(0), 0, -1)).as("each call answered with success ran, once").isEqualTo(expected);
      // The pool lends its idle connections last in, first out: these borrow the batcher's.
      assertThat(client.ping()).isEqualTo("PONG");
      assertThat(client.get(key.get(0) + "-missing")).isNull();
    }
  }

  @Test
  void aStageMayWaitForAnotherThreadsBlockingCall() throws Exception {
    batcher = new ScriptBatcher(() -> admin.getPool().getResource(), "test-dispatch");
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<Object> stage = batcher.evalshaAsync(LOG, key, List.of("a")).thenApply(reply -> join(
          other.submit(() -> batcher.evalsha(LOG.sha(), key, List.of("b")))));
      assertThat(stage.get(30, TimeUnit.SECONDS)).isEqualTo("b");
    } finally {
      other.shutdownNow();
    }
    assertThat(admin.lrange(key.get(0), 0, -1)).isEqualTo(List.of("a", "b"));
  }

  /**
   * A stage run with the batch behind it in flight waits for another thread's blocking call: that
   * thread takes the connection, reads the batch in flight (handing its replies to the dispatcher),
   * then sends its own call.
   */
  @Test
  void aStageMayWaitForAnotherThreadsBlockingCallWithABatchInFlight() throws Exception {
    batcher = new ScriptBatcher(() -> admin.getPool().getResource(), "test-dispatch");
    assertThat(batcher.evalshaAsync(LOG, key, List.of("first")).get(30, TimeUnit.SECONDS)).isEqualTo("first");
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch release = blockDispatcher(batcher);
      List<CompletableFuture<Object>> futures = new ArrayList<>();
      List<String> expected = new ArrayList<>(List.of("first"));
      for (int i = 0; i < 200; i++) {
        futures.add(batcher.evalshaAsync(LOG, key, List.of("v" + i)));
        expected.add("v" + i);
      }
      // v0's stage runs once the first half is read, with the second half in flight.
      CompletableFuture<Object> stage = futures.get(0).thenApply(reply -> join(
          other.submit(() -> batcher.evalsha(LOG.sha(), key, List.of("b")))));
      long overlappedBefore = batcher.overlapped();
      release.countDown();

      assertThat(stage.get(30, TimeUnit.SECONDS)).isEqualTo("b");
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("v" + i);
      }
      assertThat(batcher.overlapped() - overlappedBefore).as("batches sent behind another").isPositive();
      expected.add("b");
      assertThat(admin.lrange(key.get(0), 0, -1)).isEqualTo(expected);
    } finally {
      other.shutdownNow();
    }
  }

  /**
   * A waiting caller's call goes out in the batch the dispatcher leaves in flight, while the
   * dispatcher runs a stage that waits for that caller to return. The caller is woken when the
   * dispatcher lets go (its safety-net park is set to minutes here, so nothing else wakes it in
   * time), reads the batch, and returns without sending the call queued after its own.
   */
  private record InheritedTurn(Object syncReply, boolean markRanBeforeSyncReturned, boolean stageSawSyncReturn,
      Object markReply, List<String> log, List<String> expectedLog) {}

  private InheritedTurn waitingCallerWhoseCallIsLeftInFlight() throws Exception {
    batcher = new ScriptBatcher(() -> admin.getPool().getResource(), "test-dispatch");
    batcher.waitParkNanos = TimeUnit.MINUTES.toNanos(5);
    String markKey = key.get(0) + "-mark";
    assertThat(batcher.evalshaAsync(LOG, key, List.of("first")).get(30, TimeUnit.SECONDS)).isEqualTo("first");
    CountDownLatch release = blockDispatcher(batcher);
    CountDownLatch inHook = new CountDownLatch(1);
    CountDownLatch hookRelease = new CountDownLatch(1);
    AtomicBoolean firstHook = new AtomicBoolean(true);
    batcher.beforeWritingBehind = connection -> {
      if (firstHook.getAndSet(false)) {
        inHook.countDown();
        awaitQuietly(hookRelease);
      }
    };
    CountDownLatch syncReturned = new CountDownLatch(1);
    AtomicBoolean stageSawSyncReturn = new AtomicBoolean();
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    List<String> expected = new ArrayList<>(List.of("first"));
    for (int i = 0; i < 20; i++) { // two halves of 10, a10..a19 written behind a0..a9
      futures.add(batcher.evalshaAsync(LOG, key, List.of("a" + i)));
      expected.add("a" + i);
    }
    // Runs on the dispatcher with the batch behind a10..a19 (b0..b8 and the waiting call) in flight.
    futures.set(19, futures.get(19).thenApply(reply -> {
      try {
        stageSawSyncReturn.set(syncReturned.await(30, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return reply;
    }));
    release.countDown();
    assertThat(inHook.await(30, TimeUnit.SECONDS)).as("the second half is being written").isTrue();
    for (int i = 0; i < 9; i++) {
      futures.add(batcher.evalshaAsync(LOG, key, List.of("b" + i)));
      expected.add("b" + i);
    }
    expected.add("sync");
    AtomicReference<Object> syncReply = new AtomicReference<>();
    AtomicBoolean markRanBeforeSyncReturned = new AtomicBoolean();
    Thread sync = new Thread(() -> {
      syncReply.set(batcher.evalsha(LOG.sha(), key, List.of("sync")));
      markRanBeforeSyncReturned.set(admin.exists(markKey));
      syncReturned.countDown();
    });
    sync.start();
    Await.until("the waiting call is queued behind b0..b8", Duration.ofSeconds(30), () -> batcher.queued() >= 10);
    // Not known run on the connection: never in flight beside another batch, so not in the waiting call's.
    CompletableFuture<Object> mark = batcher.evalshaAsync(MARK, List.of(markKey), List.of("x"));
    hookRelease.countDown();
    sync.join(60_000);
    assertThat(sync.isAlive()).as("the waiting caller returned").isFalse();
    for (CompletableFuture<Object> f : futures) {
      f.get(30, TimeUnit.SECONDS);
    }
    Object markReply = mark.get(30, TimeUnit.SECONDS);
    admin.del(markKey);
    assertThat(batcher.overlapped()).as("batches sent behind another").isGreaterThanOrEqualTo(2);
    return new InheritedTurn(syncReply.get(), markRanBeforeSyncReturned.get(), stageSawSyncReturn.get(), markReply,
        admin.lrange(key.get(0), 0, -1), expected);
  }

  @Test
  void aWaitingCallerAnsweredByTheBatchItInheritsSendsNoCallQueuedAfterItsOwn() throws Exception {
    InheritedTurn turn = waitingCallerWhoseCallIsLeftInFlight();
    assertThat(turn.syncReply()).isEqualTo("sync");
    assertThat(turn.markRanBeforeSyncReturned()).as("a call queued after the waiting caller's own was sent in its turn")
        .isFalse();
    assertThat(turn.markReply()).isEqualTo("x");
  }

  @Test
  void aWaitingCallersCallLeftInFlightIsReadWhileTheDispatcherRunsAStage() throws Exception {
    InheritedTurn turn = waitingCallerWhoseCallIsLeftInFlight();
    assertThat(turn.stageSawSyncReturn()).as("the waiting caller returned while the dispatcher ran a stage").isTrue();
    assertThat(turn.syncReply()).isEqualTo("sync");
    assertThat(turn.log()).isEqualTo(turn.expectedLog());
  }

  /**
   * The first of two batches in flight meets NOSCRIPT, and another client's SCRIPT LOAD lands
   * before Redis reads the second, whose calls then run: the first's calls, earlier calls of the
   * same thread, are not sent again after them but fail, and say why. Made deterministic by a hook
   * that flushes the first batch, waits until Redis has answered it NOSCRIPT, and loads the script,
   * before the second is written.
   */
  @Test
  void aCallWhoseThreadsLaterCallRanInTheBatchBehindFailsRatherThanRunOutOfOrder() throws Exception {
    batcher = new ScriptBatcher(() -> new FlushableConnection(server.port()), "test-dispatch");
    assertThat(batcher.evalshaAsync(LOG, key, List.of("first")).get(30, TimeUnit.SECONDS)).isEqualTo("first");
    CountDownLatch release = blockDispatcher(batcher);
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      futures.add(batcher.evalshaAsync(LOG, key, List.of("v" + i))); // two halves of 10
    }
    admin.scriptFlush();
    long noScriptBefore = noScriptErrors();
    AtomicInteger hooked = new AtomicInteger();
    batcher.beforeWritingBehind = connection -> {
      if (hooked.getAndIncrement() == 0) {
        ((FlushableConnection) connection).flushNow();
        Await.until("Redis answered the first half NOSCRIPT", Duration.ofSeconds(30),
            () -> noScriptErrors() - noScriptBefore >= 10);
        admin.scriptLoad(LOG.source());
      }
    };
    release.countDown();

    for (int i = 0; i < 10; i++) {
      CompletableFuture<Object> f = futures.get(i);
      assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).as("call %d", i).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(JedisDataException.class).hasMessageContaining("out of order");
    }
    List<String> expected = new ArrayList<>(List.of("first"));
    for (int i = 10; i < 20; i++) {
      assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("v" + i);
      expected.add("v" + i);
    }
    assertThat(hooked.get()).as("the second half was written behind the first").isEqualTo(1);
    assertThat(admin.lrange(key.get(0), 0, -1)).as("no call ran after a later one of its thread").isEqualTo(expected);
  }

  private static long noScriptErrors() {
    for (String line : admin.info("errorstats").split("\\R")) {
      if (line.startsWith("errorstat_NOSCRIPT:count=")) {
        return Long.parseLong(line.substring("errorstat_NOSCRIPT:count=".length()).trim());
      }
    }
    return 0;
  }

  /** A plain connection whose written commands a test may flush without reading their replies. */
  private static final class FlushableConnection extends Connection {
    FlushableConnection(int port) {
      super(new HostAndPort("127.0.0.1", port));
    }

    void flushNow() {
      flush();
    }
  }

  private static Object join(Future<Object> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> addArgs(String id) {
    return List.of(id, "{}", "5", "1", "-1", "-1", "1");
  }
}
