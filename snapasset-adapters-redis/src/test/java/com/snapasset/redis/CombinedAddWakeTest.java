package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The wake tokens of the add script's combined form, which pushes the tokens of all its adds in
 * one command at its end: as many as the adds one by one would push, against a real redis-server.
 */
class CombinedAddWakeTest {
  private static final LuaScript ADD = LuaScript.load("add");
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

  @ParameterizedTest(name = "{0} adds onto {1} tokens")
  @CsvSource({"1, 0", "25, 0", "63, 0", "64, 0", "100, 0", "25, 50", "25, 63", "25, 64", "10, 70"})
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

    List<Object> replies = combined(ids("j", 3));

    assertThat(replies).allSatisfy(r -> assertThat(r).isInstanceOf(JedisDataException.class));
    assertThat(admin.zcard(prefix + "wait")).isEqualTo(3);
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

  private void pushTokens(int tokens) {
    if (tokens > 0) {
      admin.lpush(wake, Collections.nCopies(tokens, "1").toArray(String[]::new));
    }
  }

  @SuppressWarnings("unchecked")
  private List<Object> combined(List<String> ids) {
    List<String> argv = new ArrayList<>();
    for (String id : ids) {
      List<String> a = args(id);
      argv.add(Integer.toString(a.size()));
      argv.addAll(a);
    }
    return (List<Object>) admin.evalsha(loaded(COMBINED), List.of(prefix), argv);
  }

  private static String loaded(LuaScript script) {
    return admin.scriptLoad(script.source());
  }

  private static List<String> args(String id) {
    return List.of(id, "{}", "5", "1", "-1", "-1", "1");
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
