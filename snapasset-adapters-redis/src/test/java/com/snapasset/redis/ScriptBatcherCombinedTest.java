package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.JobId;
import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.NewJob;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
  private static RedisTestServer server;
  private static RedisClient admin;

  private final List<String> key = List.of("combined-" + UUID.randomUUID());
  private ScriptBatcher batcher;

  @BeforeAll
  static void startRedis() {
    server = RedisTestServer.start();
    admin = RedisClient.create(server.url());
  }

  @AfterAll
  static void stopRedis() {
    admin.close();
    server.close();
  }

  @AfterEach
  void close() {
    if (batcher != null) {
      batcher.close();
    }
    admin.del(key.get(0));
  }

  private ScriptBatcher newBatcher() {
    return new ScriptBatcher(() -> admin.getPool().getResource(), "test-dispatch", List.of(LOG));
  }

  @Test
  void combinedAsyncCallsEachGetTheirOwnReplyOrErrorAndRunInOrder() throws Exception {
    admin.scriptFlush(); // the combined form meets NOSCRIPT first: loaded and sent again, once
    batcher = newBatcher();
    long scriptsBefore = scriptCalls();
    List<String> values = new ArrayList<>();
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      String v = switch (i % 10) {
        case 3 -> "raise";
        case 5 -> "refuse";
        case 7 -> "nil";
        default -> "v" + i;
      };
      values.add(v);
      futures.add(batcher.evalshaAsync(LOG, key, List.of(v, Integer.toString(i))));
    }

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
    assertThat(scriptCalls() - scriptsBefore).as("script calls for 2 000 calls").isLessThan(200);
  }

  @Test
  void aFailingRedisCallFailsOnlyItsOwnCall() throws Exception {
    batcher = newBatcher();
    String other = key.get(0) + "-other";
    admin.set(other, "a string: HSET on it fails with WRONGTYPE");
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // Every call has the same keys but the 25th, which HSETs a string: combined runs around one call.
      futures.add(i == 25 ? batcher.evalshaAsync(LOG, List.of(other), List.of("wrongtype", "0"))
          : batcher.evalshaAsync(LOG, key, List.of("v" + i, "0")));
    }
    futures.add(batcher.evalshaAsync(LOG, key, List.of("wrongtype", "0"))); // within a combined run: HSET on a list

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
    admin.del(other);
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
    try (RedisJobQueue queue = RedisJobQueue.builder().url(server.url()).queueName(name).build()) {
      int threads = 32;
      int each = 100;
      Map<String, AtomicInteger> created = new ConcurrentHashMap<>();
      CountDownLatch start = new CountDownLatch(1);
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
      for (Thread th : started) {
        th.join(60_000);
      }
      assertThat(failure.get()).isNull();
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
