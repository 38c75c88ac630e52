package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.JobId;
import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
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
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@link ScriptBatcher}'s combined calls (several calls of a combinable script sent as one call of
 * its combined form), against a real redis-server: replies and errors per call, order, NOSCRIPT,
 * a connection lost mid-pipeline, and the queue's adds through it.
 */
class ScriptBatcherCombinedTest {
  /**
   * Appends its value to KEYS[1]'s log and returns it; some values fail in each of the ways a
   * script can: a failing redis.call, a Lua error, an error reply returned, and a nil reply.
   */
  private static final LuaScript LOG = LuaScript.of("log", """
      local v = ARGV[1]
      if v == 'wrongtype' then
        return redis.call('HSET', KEYS[1], 'f', 'v')
      end
      if v == 'raise' then
        error('raised on purpose')
      end
      if v == 'refuse' then
        return redis.error_reply('REFUSED on purpose')
      end
      redis.call('RPUSH', KEYS[1], v)
      if v == 'nil' then
        return nil
      end
      return {v, tonumber(ARGV[2])}
      """);
  private static final LuaScript NOOP = LuaScript.of("noop", "return 1");
  private static final LuaScript ADD = RedisJobQueue.ADD;
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create().flushAfterEach();
  private static RedisClient admin;

  private final List<String> key = List.of("combined-" + UUID.randomUUID());
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

  private ScriptBatcher newBatcher() {
    return new ScriptBatcher(() -> admin.getPool().getResource(), "test-dispatch", List.of(LOG));
  }

  /** A batcher whose first connection is held back until {@code gate} opens. */
  private ScriptBatcher gatedBatcher(CountDownLatch gate, List<LuaScript> combinable) {
    AtomicBoolean first = new AtomicBoolean(true);
    return new ScriptBatcher(() -> {
      if (first.getAndSet(false)) {
        try {
          assertThat(gate.await(30, TimeUnit.SECONDS)).as("gate opened").isTrue();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      return admin.getPool().getResource();
    }, "test-dispatch", combinable);
  }

  /**
   * Makes the dispatcher take a call of its own and wait for the gated connection: every call
   * queued after this, until the gate opens, goes out in the dispatcher's next batch, in order.
   */
  private static CompletableFuture<Object> holdDispatcher(ScriptBatcher b) {
    CompletableFuture<Object> held = b.evalshaAsync(NOOP, List.of("noop"), List.of());
    Await.until("the dispatcher took its first call", Duration.ofSeconds(10), () -> b.queued() == 0);
    return held;
  }

  @Test
  void combinedAsyncCallsEachGetTheirOwnReplyOrErrorAndRunInOrder() throws Exception {
    admin.scriptFlush(); // the combined form meets NOSCRIPT first: loaded and sent again, once
    CountDownLatch gate = new CountDownLatch(1);
    batcher = gatedBatcher(gate, List.of(LOG));
    CompletableFuture<Object> held = holdDispatcher(batcher);
    int calls = 2 * ScriptBatcher.MAX_COMBINED; // one batch of them: two combined calls
    List<String> values = new ArrayList<>();
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      String v = switch (i % 10) {
        case 3 -> "raise";
        case 5 -> "refuse";
        case 7 -> "nil";
        default -> "v" + i;
      };
      values.add(v);
      futures.add(batcher.evalshaAsync(LOG, key, List.of(v, Integer.toString(i))));
    }
    long scriptsBefore = scriptCalls();
    gate.countDown();
    assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo(1L);

    List<String> logged = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      String v = values.get(i);
      CompletableFuture<Object> f = futures.get(i);
      switch (v) {
        case "raise" -> assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).cause()
            .isInstanceOf(JedisDataException.class).hasMessageContaining("raised on purpose");
        case "refuse" -> assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).cause()
            .isInstanceOf(JedisDataException.class).hasMessageContaining("REFUSED on purpose");
        case "nil" -> {
          assertThat(f.get(30, TimeUnit.SECONDS)).isNull();
          logged.add(v);
        }
        default -> {
          assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(List.of(v, (long) i));
          logged.add(v);
        }
      }
    }
    // Every call that succeeded ran exactly once, in the order it was made; the failed ones not at all.
    assertThat(admin.lrange(key.get(0), 0, -1)).isEqualTo(logged);
    // The no-op and the two combined calls, each meeting NOSCRIPT and sent again once loaded.
    assertThat(scriptCalls() - scriptsBefore).as("script calls for %d calls", calls).isEqualTo(6);
  }

  @Test
  void aFailingRedisCallFailsOnlyItsOwnCall() throws Exception {
    admin.scriptLoad(NOOP.source());
    admin.scriptLoad(LOG.combined().source()); // no NOSCRIPT: every script call below is counted once
    CountDownLatch gate = new CountDownLatch(1);
    batcher = gatedBatcher(gate, List.of(LOG));
    CompletableFuture<Object> held = holdDispatcher(batcher);
    String other = key.get(0) + "-other";
    admin.set(other, "a string: HSET on it fails with WRONGTYPE");
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // Every call has the same keys but the 25th, which HSETs a string: combined runs around one call.
      futures.add(i == 25 ? batcher.evalshaAsync(LOG, List.of(other), List.of("wrongtype", "0"))
          : batcher.evalshaAsync(LOG, key, List.of("v" + i, "0")));
    }
    futures.add(batcher.evalshaAsync(LOG, key, List.of("wrongtype", "0"))); // within a combined run: HSET on a list
    long scriptsBefore = scriptCalls();
    gate.countDown();
    assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo(1L);

    for (int i = 0; i < 50; i++) {
      if (i != 25) {
        assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(List.of("v" + i, 0L));
      }
    }
    assertThatThrownBy(() -> futures.get(25).get(30, TimeUnit.SECONDS)).cause()
        .isInstanceOf(JedisDataException.class).hasMessageContaining("WRONGTYPE");
    assertThatThrownBy(() -> futures.get(50).get(30, TimeUnit.SECONDS)).cause()
        .isInstanceOf(JedisDataException.class).hasMessageContaining("WRONGTYPE");
    assertThat(admin.llen(key.get(0))).isEqualTo(49);
    // The no-op, then 25 calls combined, the one on the other key, and 25 more (the last failing).
    assertThat(scriptCalls() - scriptsBefore).isEqualTo(4);
    admin.del(other);
  }

  /**
   * Every call of add goes in the combined form, a lone one too: with only one of add's two forms
   * loaded (first use, a restart or SCRIPT FLUSH), a batch of lone adds and runs of adds would run
   * those of the loaded form first and the others only once loaded and sent again.
   */
  @ParameterizedTest(name = "only the {0} form of add loaded")
  @ValueSource(strings = {"plain", "combined"})
  void oneThreadsAddsKeepTheirOrderWhateverFormOfAddIsLoaded(String loaded) throws Exception {
    admin.scriptFlush();
    admin.scriptLoad(NOOP.source());
    admin.scriptLoad(loaded.equals("plain") ? ADD.source() : ADD.combined().source());
    String id = UUID.randomUUID().toString();
    List<String> queue = List.of("snapasset:{order-" + id + "}:");
    List<String> other = List.of("snapasset:{other-" + id + "}:");
    CountDownLatch gate = new CountDownLatch(1);
    batcher = gatedBatcher(gate, List.of(ADD));
    CompletableFuture<Object> held = holdDispatcher(batcher);

    // One thread: lone adds and runs of adds, between adds to another queue, then a waiting add.
    List<String> expected = new ArrayList<>();
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    AtomicReference<Object> waited = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        String[] script = {"j0", "x0", "j1", "j2", "x1", "j3", "x2"};
        for (String s : script) {
          futures.add(batcher.evalshaAsync(ADD, s.startsWith("j") ? queue : other, addArgs(s)));
        }
        for (int i = 4; i < 4 + ScriptBatcher.MAX_COMBINED + 2; i++) { // a run longer than one combined call
          futures.add(batcher.evalshaAsync(ADD, queue, addArgs("j" + i)));
        }
        waited.set(ADD.run(batcher::evalsha, admin, queue, addArgs("j" + (6 + ScriptBatcher.MAX_COMBINED))));
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    for (int i = 0; i <= 6 + ScriptBatcher.MAX_COMBINED; i++) {
      expected.add("j" + i);
    }
    int queued = 7 + ScriptBatcher.MAX_COMBINED + 2 + 1;
    caller.start();
    Await.until("the caller's adds queued", Duration.ofSeconds(10), () -> batcher.queued() == queued);
    gate.countDown();
    assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo(1L);
    caller.join(30_000);
    assertThat(failure.get()).isNull();
    assertThat(waited.get()).isEqualTo(List.of(1L));
    for (CompletableFuture<Object> f : futures) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(List.of(1L));
    }
    assertThat(admin.zrange(queue.get(0) + "wait", 0, -1)).as("the order jobs are claimed in").isEqualTo(expected);
    assertThat(admin.zrange(other.get(0) + "wait", 0, -1)).isEqualTo(List.of("x0", "x1", "x2"));
    // Add goes by one SHA only.
    assertThat(admin.scriptExists("any", ADD.combined().sha(), ADD.sha()))
        .isEqualTo(List.of(true, loaded.equals("plain")));
  }

  private static List<String> addArgs(String id) {
    return List.of(id, "{}", "5", "1", "-1", "-1", "1");
  }

  @Test
  void everyCombinedFormTheQueueSendsLoads() {
    // E.g. a body referring to more than Lua's 60 upvalues, or to the chunk's varargs, loads alone
    // but not wrapped in the combined form's function.
    assertThat(RedisJobQueue.COMBINABLE).isNotEmpty();
    for (LuaScript script : RedisJobQueue.COMBINABLE) {
      LuaScript combined = script.combined();
      assertThat(admin.scriptLoad(combined.source())).as(combined.name()).isEqualTo(combined.sha());
    }
  }

  @Test
  void aWholeCombinedCallsErrorReachesEachCallerAsItsOwnException() throws Exception {
    // Loads alone, but not as a combined form's function: the chunk's varargs are out of its reach.
    LuaScript varargs = LuaScript.of("varargs", "local n = select('#', ...)\nreturn n\n");
    admin.scriptLoad(NOOP.source());
    CountDownLatch gate = new CountDownLatch(1);
    batcher = gatedBatcher(gate, List.of(varargs));
    CompletableFuture<Object> held = holdDispatcher(batcher);
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      futures.add(batcher.evalshaAsync(varargs, key, List.of("v" + i)));
    }
    gate.countDown();
    assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo(1L);

    Set<Throwable> errors = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (CompletableFuture<Object> f : futures) {
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> f.get(30, TimeUnit.SECONDS));
      assertThat(e.getCause()).isInstanceOf(JedisDataException.class).hasMessageContaining("vararg");
      errors.add(e.getCause());
    }
    assertThat(errors).as("distinct exception instances").hasSize(5);
  }

  @Test
  void aWholeBatchsFailureReachesEachCallerAsItsOwnException() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    java.io.IOException cause = new java.io.IOException("refused on purpose");
    batcher = new ScriptBatcher(() -> {
      try {
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      throw new JedisConnectionException("no connection on purpose", cause);
    }, "test-dispatch", List.of(LOG));
    CompletableFuture<Object> held = holdDispatcher(batcher);
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      futures.add(batcher.evalshaAsync(i % 2 == 0 ? LOG : NOOP, key, List.of("v" + i, "0")));
    }
    gate.countDown();
    assertThatThrownBy(() -> held.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(JedisConnectionException.class);

    Set<Throwable> errors = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (CompletableFuture<Object> f : futures) {
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> f.get(30, TimeUnit.SECONDS));
      assertThat(e.getCause()).isInstanceOf(JedisConnectionException.class)
          .hasMessage("no connection on purpose").hasCause(cause);
      assertThat(e.getCause().getCause()).isSameAs(cause);
      errors.add(e.getCause());
    }
    assertThat(errors).as("distinct exception instances").hasSize(5);
  }

  @Test
  void aCopiedErrorKeepsItsTypeMessageCauseAndRedirection() {
    redis.clients.jedis.HostAndPort node = new redis.clients.jedis.HostAndPort("10.0.0.1", 7001);
    RuntimeException cause = new RuntimeException("cause");
    List<redis.clients.jedis.exceptions.JedisException> errors = List.of(
        new redis.clients.jedis.exceptions.JedisMovedDataException("MOVED 7 10.0.0.1:7001", cause, node, 7),
        new redis.clients.jedis.exceptions.JedisAskDataException("ASK 7 10.0.0.1:7001", cause, node, 7),
        new redis.clients.jedis.exceptions.JedisNoScriptException("NOSCRIPT No matching script", cause),
        new redis.clients.jedis.exceptions.JedisBusyException("BUSY running a script", cause),
        new JedisDataException("TRYAGAIN slot migrating", cause),
        new JedisConnectionException("lost", cause),
        new redis.clients.jedis.exceptions.JedisException("other", cause));
    for (var e : errors) {
      var copy = ScriptBatcher.copyOf(e);
      assertThat(copy).isNotSameAs(e).hasSameClassAs(e).hasMessage(e.getMessage());
      assertThat(copy.getCause()).isSameAs(cause);
      if (e instanceof redis.clients.jedis.exceptions.JedisRedirectionException r) {
        var c = (redis.clients.jedis.exceptions.JedisRedirectionException) copy;
        assertThat(c.getTargetNode()).isEqualTo(node);
        assertThat(c.getSlot()).isEqualTo(r.getSlot());
      }
    }
  }

  @Test
  void waitingCallersOfManyThreadsAreCombinedAndKeepTheirOwnOrderAlsoAfterAScriptFlush() throws Exception {
    admin.scriptFlush(); // the first combined calls meet NOSCRIPT: the batcher loads and resends them
    batcher = newBatcher();
    long scriptsBefore = scriptCalls();
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
          for (int i = 0; i < each; i++) {
            String v = thread + ":" + i;
            Object reply = LOG.run(batcher::evalsha, admin, key, List.of(v, Integer.toString(i)));
            assertThat(reply).isEqualTo(List.of(v, (long) i));
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      th.start();
      started.add(th);
    }
    start.countDown();
    for (Thread th : started) {
      th.join(60_000);
    }
    assertThat(failure.get()).isNull();

    List<String> log = admin.lrange(key.get(0), 0, -1);
    assertThat(log).hasSize(threads * each).doesNotHaveDuplicates();
    Map<String, Integer> lastPerThread = new HashMap<>();
    for (String entry : log) {
      String[] parts = entry.split(":");
      int previous = lastPerThread.getOrDefault(parts[0], -1);
      assertThat(Integer.parseInt(parts[1])).as("thread %s's order", parts[0]).isEqualTo(previous + 1);
      lastPerThread.put(parts[0], previous + 1);
    }
    assertThat(scriptCalls() - scriptsBefore).as("script calls for %d calls", threads * each)
        .isLessThan(threads * each);
  }

  @Test
  void aConnectionLostMidPipelineFailsTheCallsInFlightWithAClearErrorAndLosesOrRepeatsNone() throws Exception {
    // The batcher's pool is used by nothing else: the kill leaves no other dead connection in it.
    try (RedisTestServer own = RedisTestServer.start(); RedisClient client = RedisClient.create(own.url())) {
      batcher = new ScriptBatcher(() -> client.getPool().getResource(), "test-dispatch", List.of(LOG));
      int failed = 0;
      // The kill must land while calls are in flight; each round gives it another chance.
      for (int round = 0; round < 50 && failed == 0; round++) {
        List<CompletableFuture<Object>> futures = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
          futures.add(batcher.evalshaAsync(LOG, key, List.of("r" + round + "-" + i, "0")));
        }
        try (RedisClient killer = RedisClient.create(own.url())) {
          killer.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes");
        }
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < futures.size(); i++) {
          try {
            futures.get(i).get(30, TimeUnit.SECONDS);
            answered.add("r" + round + "-" + i);
          } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(JedisConnectionException.class);
            failed++;
          }
        }
        try (RedisClient checker = RedisClient.create(own.url())) {
          List<String> log = checker.lrange(key.get(0), 0, -1);
          assertThat(log).doesNotHaveDuplicates(); // none ran twice
          assertThat(log).containsAll(answered); // none answered without having run
          checker.del(key.get(0));
        }
      }
      assertThat(failed).as("calls failed by the lost connection").isPositive();
      // The batcher takes a fresh connection for the next calls.
      assertThat(batcher.evalshaAsync(LOG, key, List.of("after", "1")).get(30, TimeUnit.SECONDS))
          .isEqualTo(List.of("after", 1L));
      batcher.close();
      batcher = null;
    }
  }

  @Test
  void addsCombinedFromManyThreadsCreateEachJobOnceInEachThreadsOrder() throws Exception {
    String name = "combined-" + UUID.randomUUID();
    admin.scriptFlush();
    try (RedisJobQueue queue = RedisJobQueue.builder().url(server.url()).queueName(name).build()) {
      int threads = 32;
      int each = 100;
      Map<String, AtomicInteger> created = new ConcurrentHashMap<>();
      CountDownLatch start = new CountDownLatch(1);
      CountDownLatch asyncQueued = new CountDownLatch(threads / 2);
      long scriptsBefore = scriptCalls();
      // Redis holds the first batch until every async add is queued: the next batches carry many
      // adds each, whatever the threads' timing.
      admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "PAUSE", "30000", "WRITE");
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> started = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Thread th = new Thread(() -> {
          try {
            start.await();
            List<CompletableFuture<AddResult>> async = new ArrayList<>();
            for (int i = 0; i < each; i++) {
              // Every id is added by two threads (t and t ^ 1), one blocking, one async.
              NewJob job = new NewJob(JobId.of((thread / 2) + "-" + i), "{}", 5, 1, -1, -1);
              if (thread % 2 == 0) {
                count(created, queue.add(job));
              } else {
                async.add(queue.addAsync(job));
              }
            }
            asyncQueued.countDown();
            for (CompletableFuture<AddResult> f : async) {
              count(created, f.get(30, TimeUnit.SECONDS));
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        });
        th.start();
        started.add(th);
      }
      start.countDown();
      boolean allQueued = asyncQueued.await(30, TimeUnit.SECONDS);
      admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "UNPAUSE");
      assertThat(allQueued).as("async adds queued while Redis was paused").isTrue();
      for (Thread th : started) {
        th.join(60_000);
      }
      assertThat(failure.get()).isNull();
      assertThat(scriptCalls() - scriptsBefore).as("script calls for %d adds", threads * each)
          .isLessThan(threads * each / 10);
      // The adds went in the combined form only.
      assertThat(admin.scriptExists("any", ADD.combined().sha(), ADD.sha())).isEqualTo(List.of(true, false));
      assertThat(created).hasSize(threads / 2 * each);
      assertThat(created.values()).allSatisfy(n -> assertThat(n.get()).as("times created").isEqualTo(1));
      // FIFO within a priority: each id's i-th job is claimed after its (i-1)-th.
      Map<String, Integer> lastPerPair = new HashMap<>();
      for (int n = 0; n < threads / 2 * each; n++) {
        var claim = queue.claim(new ClaimRequest("w", Duration.ofSeconds(30), null));
        assertThat(claim.job()).isPresent();
        String[] parts = claim.job().get().id().value().split("-");
        int previous = lastPerPair.getOrDefault(parts[0], -1);
        assertThat(Integer.parseInt(parts[1])).isEqualTo(previous + 1);
        lastPerPair.put(parts[0], previous + 1);
      }
      assertThat(queue.claim(new ClaimRequest("w", Duration.ofSeconds(30), null)).job()).isEmpty();
    }
  }

  private static void count(Map<String, AtomicInteger> created, AddResult result) {
    if (result.created()) {
      created.computeIfAbsent(result.job().id().value(), k -> new AtomicInteger()).incrementAndGet();
    } else {
      created.computeIfAbsent(result.job().id().value(), k -> new AtomicInteger());
    }
  }

  private static long scriptCalls() {
    String prefix = "cmdstat_evalsha:";
    for (String line : admin.info("commandstats").split("\r?\n")) {
      if (line.startsWith(prefix)) {
        return Long.parseLong(line.substring(prefix.length()).replaceAll("^calls=(\\d+),.*", "$1"));
      }
    }
    return 0;
  }
}
