package com.snapasset.redis;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The add script's combined form, which sends its adds' INCRs of the seq, ZADDs to the wait set and
 * wake tokens in one command each at its end: it leaves what the adds one by one leave, against a
 * real redis-server.
 */
class CombinedAddTest {
  private static final LuaScript ADD = RedisJobQueue.ADD;
  private static final LuaScript COMBINED = ADD.combined();
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create().flushAfterEach();
  private static RedisClient admin;

  private final String prefix = "wake-" + UUID.randomUUID() + ":{q}:";
  private final String wake = prefix + "wake";

  @BeforeAll
  static void connect() {
    admin = server.client();
  }

  /** Keys a scenario sets up before the adds, under a queue's prefix. */
  private static final Map<String, Consumer<String>> SETUPS = Map.ofEntries(
      entry("nothing", p -> { }),
      entry("60 tokens", p -> pushTokens(p, 60)),
      entry("70 tokens", p -> pushTokens(p, 70)),
      entry("paused", p -> admin.set(p + "paused", "1")),
      // Paused, no add reads the wake list: neither form may fail on it.
      entry("paused with a wrong-typed wake list", p -> {
        admin.set(p + "paused", "1");
        admin.set(p + "wake", "not a list");
      }),
      entry("existing and broken jobs", p -> {
        admin.hset(p + "job:j3", "state", "waiting");
        admin.set(p + "job:j5", "not a hash");
        admin.zadd(p + "wait", 7, "j8"); // in the wait set without its hash: the add moves it
      }),
      entry("a wrong-typed wait set", p -> admin.set(p + "wait", "not a zset")),
      entry("a seq that is not a number", p -> admin.set(p + "seq", "x")),
      entry("a wrong-typed wake list", p -> admin.set(p + "wake", "not a list")),
      entry("a seq just below 2^52", p -> admin.set(p + "seq", Long.toString((1L << 52) - 3))),
      // Beyond 2^53 a double skips integers: owed +1s would give other seqs and scores.
      entry("a seq above 2^53", p -> admin.set(p + "seq", Long.toString((1L << 53) + 5))),
      // One by one the sixth INCR fails on overflow; an INCRBY owed for all would fail the whole call.
      entry("a seq near 2^63", p -> admin.set(p + "seq", Long.toString(Long.MAX_VALUE - 5))),
      // As above 2^53, on the other side.
      entry("a seq far below -2^53", p -> admin.set(p + "seq", Long.toString(-(1L << 60) + 185))),
      entry("a seq with a time to live", p -> {
        admin.set(p + "seq", "41");
        admin.expire(p + "seq", 1000);
      }));

  @ParameterizedTest(name = "{1} adds after {0}")
  @CsvSource({"nothing, 3", "nothing, 11", "nothing, 64", "60 tokens, 11", "60 tokens, 64", "70 tokens, 11", "paused, 11",
      "paused with a wrong-typed wake list, 11", "existing and broken jobs, 3", "existing and broken jobs, 11",
      "a wrong-typed wait set, 11", "a seq that is not a number, 11", "a wrong-typed wake list, 11",
      "a seq just below 2^52, 11", "a seq above 2^53, 11", "a seq near 2^63, 11", "a seq far below -2^53, 11",
      "a seq with a time to live, 11"})
  void aCombinedCallLeavesAndPublishesWhatItsAddsOneByOneDo(String setup, int adds) throws InterruptedException {
    List<String> ids = ids("j", adds - 1);
    ids.add(Math.min(2, ids.size()), "j1"); // one the same call added before

    assertCombinedDoesWhatOneByOneDoes(setup, ids.stream().map(CombinedAddTest::args).toList());
  }

  /**
   * A priority a direct EVALSHA can give (the API's is an int): one by one, a "nan" one's ZADD
   * fails after its hash and seq are written, an infinite one's goes through.
   */
  @ParameterizedTest(name = "priority {0}")
  @ValueSource(strings = {"nan", "inf", "-inf"})
  void anAddWhoseScoreIsNoFiniteNumberDoesAsOneByOne(String priority) throws InterruptedException {
    List<List<String>> calls = new ArrayList<>();
    for (String id : ids("j", 6)) {
      List<String> args = new ArrayList<>(args(id));
      if (id.equals("j0") || id.equals("j3")) { // the first add's ZADD is sent at once, later ones are owed
        args.set(2, priority);
      }
      calls.add(args);
    }

    assertCombinedDoesWhatOneByOneDoes("nothing", calls);
  }

  /** Field by field, the job hash the many form writes is the body's: a field written from another argument shows. */
  @Test
  void theManyFormWritesTheJobHashAsTheBodyDoes() {
    assertThat(jobHset("add-many")).isEqualTo(jobHset("add")).contains("'payload', ARGV[2]");
  }

  @Test
  void aCombinedCallSendsOneIncrZaddAndLpushForAllItsAddsButTheFirst() {
    Map<String, Long> before = new TreeMap<>();
    for (String c : List.of("incr", "incrby", "zadd", "lpush", "exists", "llen")) {
      before.put(c, calls(c));
    }

    combined(ids("j", 25));

    Map<String, Long> sent = new TreeMap<>();
    before.forEach((c, n) -> sent.put(c, calls(c) - n));
    // The first add's INCR and ZADD as one by one; EXISTS for each job and once for the pause flag.
    assertThat(sent).isEqualTo(Map.of("incr", 1L, "incrby", 1L, "zadd", 2L, "lpush", 1L, "exists", 26L, "llen", 1L));
    assertThat(admin.get(prefix + "seq")).isEqualTo("25");
    assertThat(admin.zrangeWithScores(prefix + "wait", 0, -1)).extracting(t -> t.getElement() + "@" + (long) t.getScore())
        .containsExactlyInAnyOrderElementsOf(ids("j", 25).stream()
            .map(id -> id + "@" + (Long.parseLong(args(id).get(2)) * 4294967296L + Long.parseLong(id.substring(1)) + 1))
            .toList());
  }

  @Test
  void eachAddPublishesItsAddedEventAsBefore() throws Exception {
    Map<String, List<String>> messages = published(List.of(prefix), () -> {
      admin.evalsha(loaded(ADD), List.of(prefix), args("plain"));
      combined(List.of("c1", "c2", "c3", "c4"));
    });

    assertThat(messages.get(prefix + "events"))
        .containsExactly("ADDED|0|plain", "ADDED|0|c1", "ADDED|0|c2", "ADDED|0|c3", "ADDED|0|c4");
  }

  @ParameterizedTest(name = "{0} adds onto {1} tokens")
  @CsvSource({"1, 0", "3, 0", "25, 0", "63, 0", "64, 0", "100, 0", "25, 50", "25, 63", "25, 64", "10, 70"})
  void aCombinedCallPushesAsManyTokensAsItsAddsOneByOneInOneCommand(int adds, int tokens) {
    pushTokens(tokens);
    long lpushBefore = calls("lpush");

    List<Object> replies = combined(ids("j", adds));

    assertThat(replies).hasSize(adds).allSatisfy(r -> assertThat(r).isEqualTo(List.of(1L)));
    // One by one, each add pushes a token while the list holds fewer than MAX_WAKE (64).
    long expected = Math.max(tokens, Math.min(64, tokens + adds));
    assertThat(admin.llen(wake)).isEqualTo(expected);
    assertThat(calls("lpush") - lpushBefore).as("LPUSH commands").isEqualTo(expected > tokens ? 1 : 0);
  }

  @Test
  void aPausedQueuesCombinedAddsPushNoToken() {
    admin.set(prefix + "paused", "1");

    List<Object> replies = combined(ids("j", 10));

    assertThat(replies).allSatisfy(r -> assertThat(r).isEqualTo(List.of(1L)));
    assertThat(admin.zcard(prefix + "wait")).isEqualTo(10);
    assertThat(admin.exists(wake)).isFalse();
  }

  @Test
  void aDuplicateIdInTheMiddleWakesNothingForItself() {
    admin.hset(prefix + "job:j4", "state", "waiting");
    List<String> ids = ids("j", 9);
    ids.add(2, "j1"); // also one the same call added just before

    List<Object> replies = combined(ids);

    assertThat(replies.get(2)).isInstanceOf(List.class).satisfies(r -> assertThat(((List<?>) r).get(0)).isEqualTo(0L));
    assertThat(replies.get(5)).isInstanceOf(List.class).satisfies(r -> assertThat(((List<?>) r).get(0)).isEqualTo(0L));
    assertThat(admin.llen(wake)).isEqualTo(8); // 10 adds, 8 of them new
  }

  @Test
  void aFailingAddInTheMiddleLeavesTheOthersWakesAndTheLastAddFailingToo() {
    admin.set(prefix + "job:j3", "not a hash"); // EXISTS says yes, then HGETALL fails: WRONGTYPE
    admin.set(prefix + "job:j7", "not a hash"); // the last add: nothing runs after it but the wake

    List<Object> replies = combined(ids("j", 8));

    assertThat(replies.get(3)).isInstanceOf(JedisDataException.class);
    assertThat(replies.get(7)).isInstanceOf(JedisDataException.class);
    assertThat(admin.llen(wake)).isEqualTo(6);
  }

  @Test
  void aWrongTypedWakeKeyFailsEveryAddWhereItsWakeWould() {
    // One by one, every add fails at its wake, after its job is in the wait set: so in one call.
    admin.set(wake, "not a list");

    List<Object> replies = combined(ids("j", 5));

    assertThat(replies).allSatisfy(r -> assertThat(r).isInstanceOf(JedisDataException.class));
    assertThat(admin.zcard(prefix + "wait")).isEqualTo(5);
    assertThat(admin.get(wake)).isEqualTo("not a list");
  }

  @Test
  void aLoneAddWakesOneInEitherForm() {
    Object plain = admin.evalsha(loaded(ADD), List.of(prefix), args("plain"));
    assertThat(plain).isEqualTo(List.of(1L));
    assertThat(admin.llen(wake)).isEqualTo(1);

    assertThat(combined(List.of("combined"))).containsExactly(List.of(1L));
    assertThat(admin.llen(wake)).isEqualTo(2);
  }

  @Test
  void aLoneAddOfAPausedQueueWakesNone() {
    admin.set(prefix + "paused", "1");

    assertThat(admin.evalsha(loaded(ADD), List.of(prefix), args("plain"))).isEqualTo(List.of(1L));

    assertThat(admin.exists(wake)).isFalse();
  }

  /**
   * An error's message without what Redis adds to a script's own error (which script, which line),
   * nor the {@code ERR} the combined form puts before a failed call's error (as it did before it
   * sent anything once per combined call).
   */
  private static String error(JedisDataException e) {
    return "error " + e.getMessage().replaceFirst(" script: .*", "").replaceFirst("^ERR (?=[A-Z]+ )", "");
  }

  /** Every key under a prefix, without it, with its type, value and whether it expires. */
  private static Map<String, String> dump(String prefix) {
    Map<String, String> keys = new TreeMap<>();
    for (String key : admin.keys(prefix + "*")) {
      String type = admin.type(key);
      Object value = switch (type) {
        case "string" -> admin.get(key);
        case "list" -> admin.lrange(key, 0, -1);
        case "hash" -> new TreeMap<>(admin.hgetAll(key));
        case "zset" -> admin.zrangeWithScores(key, 0, -1).stream().map(t -> t.getElement() + "@" + t.getScore()).toList();
        default -> "?";
      };
      keys.put(key.substring(prefix.length()), type + " " + value + (admin.ttl(key) >= 0 ? " expiring" : ""));
    }
    return keys;
  }

  /**
   * Runs the calls one by one under a fresh prefix and as one combined call under {@link #prefix},
   * each after the setup, and asserts the same replies, keys and published events.
   */
  private void assertCombinedDoesWhatOneByOneDoes(String setup, List<List<String>> calls) throws InterruptedException {
    String single = "single-" + UUID.randomUUID() + ":{q}:";
    SETUPS.get(setup).accept(single);
    SETUPS.get(setup).accept(prefix);
    List<String> oneByOne = new ArrayList<>();
    List<String> together = new ArrayList<>();

    Map<String, List<String>> events = published(List.of(single, prefix), () -> {
      for (List<String> args : calls) {
        try {
          oneByOne.add(String.valueOf(admin.evalsha(loaded(ADD), List.of(single), args)));
        } catch (JedisDataException e) {
          oneByOne.add(error(e));
        }
      }
      for (Object reply : combinedCalls(calls)) {
        together.add(reply instanceof JedisDataException e ? error(e) : String.valueOf(reply));
      }
    });

    assertThat(together).isEqualTo(oneByOne);
    assertThat(dump(prefix)).isEqualTo(dump(single)).isNotEmpty();
    assertThat(events.getOrDefault(prefix + "events", List.of()))
        .isEqualTo(events.getOrDefault(single + "events", List.of()));
  }

  /** The messages published on the events channel of each prefix while the action runs, by channel. */
  private static Map<String, List<String>> published(List<String> prefixes, Runnable action) throws InterruptedException {
    String end = "end-" + UUID.randomUUID();
    Map<String, List<String>> messages = new ConcurrentHashMap<>();
    CountDownLatch subscribed = new CountDownLatch(prefixes.size());
    CountDownLatch ended = new CountDownLatch(prefixes.size());
    JedisPubSub listener = new JedisPubSub() {
      @Override
      public void onSubscribe(String channel, int count) {
        subscribed.countDown();
      }

      @Override
      public void onMessage(String channel, String message) {
        if (message.equals(end)) {
          ended.countDown();
        } else {
          messages.computeIfAbsent(channel, c -> Collections.synchronizedList(new ArrayList<>())).add(message);
        }
      }
    };
    String[] channels = prefixes.stream().map(p -> p + "events").toArray(String[]::new);
    Thread t = new Thread(() -> admin.subscribe(listener, channels));
    t.start();
    try {
      assertThat(subscribed.await(10, TimeUnit.SECONDS)).as("subscribed").isTrue();
      action.run();
      // Redis delivers a channel's messages in order: once this is in, so is everything before it.
      for (String channel : channels) {
        admin.publish(channel, end);
      }
      assertThat(ended.await(10, TimeUnit.SECONDS)).as("all events in").isTrue();
    } finally {
      listener.unsubscribe();
      t.join(10_000);
    }
    return messages;
  }

  private void pushTokens(int tokens) {
    pushTokens(prefix, tokens);
  }

  private static void pushTokens(String prefix, int tokens) {
    if (tokens > 0) {
      admin.lpush(prefix + "wake", Collections.nCopies(tokens, "1").toArray(String[]::new));
    }
  }

  private List<Object> combined(List<String> ids) {
    return combinedCalls(ids.stream().map(CombinedAddTest::args).toList());
  }

  /** One combined call of the adds with these arguments under {@link #prefix}. */
  @SuppressWarnings("unchecked")
  private List<Object> combinedCalls(List<List<String>> calls) {
    List<String> argv = new ArrayList<>();
    for (List<String> a : calls) {
      argv.add(Integer.toString(a.size()));
      argv.addAll(a);
    }
    return (List<Object>) admin.evalsha(loaded(COMBINED), List.of(prefix), argv);
  }

  private static String loaded(LuaScript script) {
    return admin.scriptLoad(script.source());
  }

  /**
   * An add's arguments (id, payload, priority, maxAttempts, keepCompleted, keepFailed, now), each
   * field of a value of its own, different per id: a field written from the wrong argument shows.
   * Priorities -1, 0 and 1, so the wait scores differ in both parts.
   */
  private static List<String> args(String id) {
    int n = Math.floorMod(id.hashCode(), 1000);
    return List.of(id, "{\"n\":" + n + "}", Integer.toString(n % 3 - 1), Integer.toString(2 + n % 4),
        Integer.toString(10 + n), Integer.toString(-1 - n % 2), Long.toString(1_700_000_000_000L + n));
  }

  /** The arguments of a script's HSET of the job hash, spaces normalized. */
  private static String jobHset(String script) {
    String path = "lua/" + script + ".lua";
    try (InputStream in = LuaScript.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      Matcher hset = Pattern.compile("redis\\.call\\('HSET', jk, ([^)]*)\\)")
          .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      assertThat(hset.find()).as("HSET in " + path).isTrue();
      return hset.group(1).replaceAll("\\s+", " ");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> ids(String stem, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(stem + i);
    }
    return ids;
  }

  /** How many times Redis ran a command so far, scripts' calls included. */
  private static long calls(String command) {
    String prefix = "cmdstat_" + command + ":";
    for (String line : admin.info("commandstats").split("\r?\n")) {
      if (line.startsWith(prefix)) {
        return Long.parseLong(line.substring(prefix.length()).replaceAll("^calls=(\\d+),.*", "$1"));
      }
    }
    return 0;
  }
}
