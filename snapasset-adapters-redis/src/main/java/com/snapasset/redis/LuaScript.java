package com.snapasset.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script, called by its SHA-1. The SHA is computed here, so the script is sent to Redis only
 * when Redis answers NOSCRIPT: on first use, and again after a restart or SCRIPT FLUSH.
 */
final class LuaScript {
  private static final String COMMON = read("common");
  /**
   * The library whose {@code beginCombined()} and {@code endCombined()} a script's combined form
   * runs around its calls: only a script loaded with it pays for making its functions.
   */
  static final String COMBINED_LIB = "lib-combined";

  /**
   * Runs the body of a script, as a local function {@code one(ARGV)}, once per call packed in
   * ARGV ({@code argc, args...} per call), each under {@code pcall}: a call's error becomes that
   * call's entry of the reply (an error reply inside the array), the others still run. A nil
   * reply stays a nil entry (false), so the reply has one entry per call, in order. Leaves the
   * reply in {@code combinedOut}.
   */
  private static final String COMBINED_DRIVER = """
      local combinedOut = {}
      local combinedAt = 1
      local combinedCount = 0
      while combinedAt <= #ARGV do
        local argc = tonumber(ARGV[combinedAt])
        -- One constructor: sized once, where filling it one by one would grow it several times.
        local args = {unpack(ARGV, combinedAt + 1, combinedAt + argc)}
        local ok, reply = pcall(one, args)
        combinedCount = combinedCount + 1
        if not ok then
          if type(reply) == 'table' and reply.err then
            reply = {err = reply.err}
          else
            reply = {err = 'ERR ' .. tostring(reply)}
          end
        elseif reply == nil then
          reply = false
        end
        combinedOut[combinedCount] = reply
        combinedAt = combinedAt + 1 + argc
      end
      """;

  /**
   * Fewer than four calls send what they owe themselves: for so few, owing it to the end costs
   * Redis more than it saves (about 6% more per add for one or two calls, 3% less for four:
   * instructions counted with callgrind, redis-server 7.0). Four calls' worth of ARGV, as calls of
   * one script have about as many arguments each; either way the result is the same.
   */
  private static final String COMBINED_BEGIN = """
      local combinedMany = #ARGV >= 4 * (1 + (tonumber(ARGV[1]) or 0))
      if combinedMany then
        beginCombined()
      end
      """;
  private static final String COMBINED_END = """
      if combinedMany then
        endCombined()
      end
      """;

  private final String name;
  /** The shared helpers and libraries the body runs after. */
  private final String preamble;
  /** Whether the preamble holds {@link #COMBINED_LIB}, whose hooks a combined call then runs. */
  private final boolean hooks;
  private final String body;
  private final String source;
  private final String sha;

  private LuaScript(String name, boolean hooks, String preamble, String body) {
    this.name = name;
    this.hooks = hooks;
    this.preamble = preamble;
    this.body = body;
    this.source = preamble + body;
    this.sha = sha1(source);
  }

  /**
   * Loads {@code lua/NAME.lua} from the class path, preceded by the shared helpers and then by
   * the named libraries ({@code lua/LIB.lua}, which define local functions).
   */
  static LuaScript load(String name, String... libs) {
    StringBuilder source = new StringBuilder(COMMON).append('\n');
    for (String lib : libs) {
      source.append(read(lib)).append('\n');
    }
    return new LuaScript(name, Arrays.asList(libs).contains(COMBINED_LIB), source.toString(), read(name));
  }

  /**
   * This script's combined form: one call runs this script's body for many calls with the same
   * KEYS, in order, each under {@code pcall}. ARGV is {@code argc, args...} per call; the reply has
   * one entry per call, its reply or its error. The shared helpers run once per combined call
   * instead of once per call, and Redis reads, looks up and answers one command instead of many.
   * Only for bodies that read KEYS and ARGV only through the preamble and {@code ARGV[i]} (the body
   * runs as a function whose parameter is named ARGV) and end in {@code return}.
   *
   * <p>With {@link #COMBINED_LIB}, four calls or more run between its {@code beginCombined()} and
   * {@code endCombined()}, which sends what the calls left for once per combined call (their seqs,
   * wait set entries and wake tokens), also when some of them failed.
   */
  LuaScript combined() {
    String driver = hooks ? COMBINED_BEGIN + COMBINED_DRIVER + COMBINED_END : COMBINED_DRIVER;
    return new LuaScript(name + "+combined", hooks, preamble, "local function one(ARGV)\n" + body + "\nend\n"
        + driver + "return combinedOut\n");
  }

  String name() {
    return name;
  }

  /** A script from source text; for tests of the batcher. */
  static LuaScript of(String name, String source) {
    return new LuaScript(name, false, "", source);
  }

  /** The script's text, as SCRIPT LOAD takes it. */
  String source() {
    return source;
  }

  /** The SHA-1 Redis knows the script by. */
  String sha() {
    return sha;
  }

  /** How a script call reaches Redis: directly, or through a {@link ScriptBatcher}. */
  @FunctionalInterface
  interface Evaluator {
    Object evalsha(String sha, List<String> keys, List<String> args);
  }

  Object run(Evaluator evaluator, UnifiedJedis redis, List<String> keys, List<String> args) {
    try {
      return evaluator.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      redis.scriptLoad(source, keys.get(0));
      return evaluator.evalsha(sha, keys, args);
    }
  }

  private static String read(String name) {
    String path = "lua/" + name + ".lua";
    try (InputStream in = LuaScript.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  private static String sha1(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available", e);
    }
  }
}
