package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/** {@link ScriptBatcher}'s turns and failures, against a real redis-server. */
class ScriptBatcherTest {
  private static final LuaScript INCR = LuaScript.of("incr", "return redis.call('INCR', KEYS[1])");
  private static final List<String> KEY = List.of("batcher-test-counter");
  private static RedisTestServer server;
  private static RedisClient client;

  private ScriptBatcher batcher;

  @BeforeAll
  static void startRedis() {
    server = RedisTestServer.start();
    client = RedisClient.create(server.url());
  }

  @AfterAll
  static void stopRedis() {
    client.close();
    server.close();
  }

  @AfterEach
  void close() {
    if (batcher != null) {
      batcher.close();
    }
    client.del(KEY.get(0));
  }

  @Test
  void aStageMakingABlockingCallAfterTheDispatcherCrashedIsAnswered() throws Exception {
    client.scriptLoad(INCR.source()); // a waiting caller's NOSCRIPT is recovered by LuaScript.run, not here
    AtomicBoolean broken = new AtomicBoolean();
    Supplier<Connection> pool = () -> {
      if (broken.compareAndSet(false, true)) {
        throw new AssertionError("test: a pool that breaks once, with an Error"); // kills the dispatcher
      }
      return client.getPool().getResource();
    };
    batcher = new ScriptBatcher(pool, "test-dispatch");

    // The failed future completes in the dispatcher's crash handler; the stage's blocking call
    // needs the connection, which that handler held while completing before the fix: a hang.
    CompletableFuture<Object> after = batcher.evalshaAsync(INCR, KEY, List.of())
        .handle((reply, error) -> batcher.evalsha(INCR.sha(), KEY, List.of()));

    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo(1L); // the first call never ran
  }

  @Test
  void closeFromAStageOnTheDispatcherSendsWhatIsQueued() throws Exception {
    batcher = new ScriptBatcher(() -> client.getPool().getResource(), "test-dispatch");
    List<CompletableFuture<Object>> queuedBeforeClose = new ArrayList<>();

    batcher.evalshaAsync(INCR, KEY, List.of()).thenRun(() -> {
      for (int i = 0; i < 10; i++) {
        queuedBeforeClose.add(batcher.evalshaAsync(INCR, KEY, List.of()));
      }
      batcher.close(); // before the fix: waited 5 s for this very thread, then failed them all
    }).get(30, TimeUnit.SECONDS);

    CompletableFuture.allOf(queuedBeforeClose.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(client.get(KEY.get(0))).isEqualTo("11");
  }

  @Test
  void aWaitingCallerSendsOnlyUpToTheBatchThatAnsweredItsOwnCall() throws Exception {
    client.scriptLoad(INCR.source()); // a waiting caller's NOSCRIPT is recovered by LuaScript.run, not here
    CountDownLatch inPool = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    Supplier<Connection> pool = () -> {
      if (Thread.currentThread().getName().equals("waiter") && inPool.getCount() > 0) {
        inPool.countDown();
        awaitQuietly(letGo); // holds the connection while async calls queue behind its own
      }
      return client.getPool().getResource();
    };
    batcher = new ScriptBatcher(pool, "test-dispatch");
    AtomicInteger leftWhenAnswered = new AtomicInteger(-1);
    Thread waiter = new Thread(() -> {
      batcher.evalsha(INCR.sha(), KEY, List.of());
      leftWhenAnswered.set(batcher.queued());
    }, "waiter");
    waiter.start();
    assertThat(inPool.await(30, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<Object>> async = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      async.add(batcher.evalshaAsync(INCR, KEY, List.of()));
    }
    letGo.countDown();
    waiter.join(30_000);

    // Before the fix the waiter went on sending all 20 000 (78 batches) before it returned.
    assertThat(leftWhenAnswered.get()).as("calls still queued when the waiter had its answer").isPositive();
    CompletableFuture.allOf(async.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(client.get(KEY.get(0))).isEqualTo("20001");
  }

  @Test
  void anAsyncCallMeetingNoscriptIsLoadedAndSentInItsOrder() throws Exception {
    client.scriptFlush();
    batcher = new ScriptBatcher(() -> client.getPool().getResource(), "test-dispatch");
    List<CompletableFuture<Object>> async = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      async.add(batcher.evalshaAsync(INCR, KEY, List.of()));
    }
    for (int i = 0; i < async.size(); i++) {
      assertThat(async.get(i).get(30, TimeUnit.SECONDS)).isEqualTo((long) i + 1);
    }
  }

  @Test
  void aRuntimeExceptionWhileSendingFailsThatBatchAndTheNextCallsGoThrough() throws Exception {
    client.scriptLoad(INCR.source());
    AtomicInteger asked = new AtomicInteger();
    batcher = new ScriptBatcher(() -> {
      if (asked.getAndIncrement() == 0) {
        throw new UnsupportedOperationException("a bug somewhere below");
      }
      return client.getPool().getResource();
    }, "test-dispatch");

    CompletableFuture<Object> first = batcher.evalshaAsync(INCR, KEY, List.of());
    assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(JedisException.class).hasMessageContaining("a bug somewhere below");
    assertThat(batcher.evalshaAsync(INCR, KEY, List.of()).get(30, TimeUnit.SECONDS)).isEqualTo(1L);
  }

  @Test
  void anErrorThatEndsTheDispatcherFailsWhatIsQueuedAndTheNextCallStartsANewOne() throws Exception {
    client.scriptLoad(INCR.source());
    AtomicInteger asked = new AtomicInteger();
    batcher = new ScriptBatcher(() -> {
      if (asked.getAndIncrement() == 0) {
        throw new AssertionError("not a RuntimeException");
      }
      return client.getPool().getResource();
    }, "test-dispatch");

    CompletableFuture<Object> first = batcher.evalshaAsync(INCR, KEY, List.of());
    assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(JedisException.class).hasMessageContaining("not a RuntimeException");
    assertThat(batcher.evalshaAsync(INCR, KEY, List.of()).get(30, TimeUnit.SECONDS)).isEqualTo(1L);
  }

  @Test
  void closeSendsWhatIsQueuedBeforeItReturns() throws Exception {
    client.scriptLoad(INCR.source());
    batcher = new ScriptBatcher(() -> client.getPool().getResource(), "test-dispatch");
    List<CompletableFuture<Object>> async = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      async.add(batcher.evalshaAsync(INCR, KEY, List.of()));
    }
    batcher.close();

    assertThat(async).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(client.get(KEY.get(0))).isEqualTo("5000");
    assertThatThrownBy(() -> batcher.evalshaAsync(INCR, KEY, List.of()).get(30, TimeUnit.SECONDS))
        .cause().isInstanceOf(JedisException.class).hasMessageContaining("closed");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
