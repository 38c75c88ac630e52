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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/** {@link ScriptBatcher}'s turns and failures, against a real redis-server. */
class ScriptBatcherTest {
  private static final LuaScript INCR = LuaScript.of("incr", "return redis.call('INCR', KEYS[1])");
  private static final List<String> KEY = List.of("batcher-test-counter");
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create().flushAfterEach();
  private static RedisClient client;

  private ScriptBatcher batcher;

  @BeforeAll
  static void connect() {
    client = server.client();
  }

  @AfterEach
  void close() {
    if (batcher != null) {
      batcher.close();
    }
  }

  /**
   * Only errors from a script's own body show that the script ran (is loaded) on the connection;
   * one met before the script is looked up, such as NOPERM, does not.
   */
  @Test
  void onlyAScriptsOwnErrorShowsThatItRan() {
    LuaScript wrongType = LuaScript.of("wrong-type", "return redis.call('INCR', KEYS[1])");
    LuaScript lua = LuaScript.of("lua-error", "return nosuchglobal.x");
    LuaScript own = LuaScript.of("own-error", "return redis.error_reply('MINE not a Redis error')");
    String text = "batcher-test-text";
    client.set(text, "not a number");
    try {
      assertThat(ScriptBatcher.raisedByScript(errorOf(client, wrongType, text))).as("redis.call's error").isTrue();
      assertThat(ScriptBatcher.raisedByScript(errorOf(client, lua, text))).as("a Lua runtime error").isTrue();
      // Untagged: could come from anywhere, so the script stays unknown (only costs an overlap).
      assertThat(ScriptBatcher.raisedByScript(errorOf(client, own, text))).as("error_reply").isFalse();
      client.sendCommand(Protocol.Command.ACL, "SETUSER", "no-evalsha", "on", ">secret-pw", "~*", "+@all", "-evalsha");
      try (RedisClient limited = RedisClient.builder()
          .hostAndPort(new redis.clients.jedis.HostAndPort("127.0.0.1", server.port()))
          .clientConfig(redis.clients.jedis.DefaultJedisClientConfig.builder().user("no-evalsha")
              .password("secret-pw").build())
          .build()) {
        JedisException noPerm = errorOf(limited, wrongType, text);
        assertThat(noPerm.getMessage()).startsWith("NOPERM");
        assertThat(ScriptBatcher.raisedByScript(noPerm)).as("NOPERM").isFalse();
      } finally {
        client.sendCommand(Protocol.Command.ACL, "DELUSER", "no-evalsha");
      }
    } finally {
      client.del(text);
    }
  }

  private static JedisException errorOf(RedisClient on, LuaScript script, String key) {
    client.scriptLoad(script.source());
    try {
      on.evalsha(script.sha(), List.of(key), List.of());
    } catch (JedisException e) {
      return e;
    }
    throw new AssertionError(script + " did not fail");
  }

  /** A stage interrupting the dispatcher would otherwise leave it spinning: parking returns at once. */
  @Test
  void theDispatcherClearsAnInterruptAStageLeftOnIt() throws Exception {
    batcher = new ScriptBatcher(() -> client.getPool().getResource(), "test-dispatch");
    // A future already complete runs its stage on the thread adding it: try until the dispatcher runs it.
    AtomicBoolean interruptedIt = new AtomicBoolean();
    while (!interruptedIt.get()) {
      batcher.evalshaAsync(INCR, KEY, List.of()).thenRun(() -> {
        if (batcher.isDispatcher()) {
          Thread.currentThread().interrupt();
          interruptedIt.set(true);
        }
      }).get(10, TimeUnit.SECONDS);
    }
    AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
    while (interruptedAfter.get() == null) {
      batcher.evalshaAsync(INCR, KEY, List.of()).thenRun(() -> {
        if (batcher.isDispatcher()) {
          interruptedAfter.set(Thread.currentThread().isInterrupted());
        }
      }).get(10, TimeUnit.SECONDS);
    }
    assertThat(interruptedAfter.get()).as("the dispatcher's interrupt flag, at a later call's stage").isFalse();
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
