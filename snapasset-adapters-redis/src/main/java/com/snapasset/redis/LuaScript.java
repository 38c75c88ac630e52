package com.snapasset.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

  private final String name;
  private final String source;
  private final String sha;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
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
    return new LuaScript(name, source.append(read(name)).toString());
  }

  String name() {
    return name;
  }

  /** A script from source text; for tests of the batcher. */
  static LuaScript of(String name, String source) {
    return new LuaScript(name, source);
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
