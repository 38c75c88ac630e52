package com.snapasset.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script, called by its SHA-1. The SHA is computed here, so the script is sent to Redis only
 * when Redis answers NOSCRIPT: on first use, and again after a restart or SCRIPT FLUSH.
 */
final class LuaScript {
  private static final String COMMON = read("common");

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

  private final String name;
  /** The shared helpers and libraries the body runs after. */
  private final String preamble;
  /**
   * The many form's {@code lua/NAME-many.lua} and {@code lua/NAME-many-end.lua}, or null: see
   * {@link #withMany}.
   */
  private final @Nullable String many;
  private final @Nullable String manyEnd;
  private final String body;
  private final String source;
  private final String sha;

  private LuaScript(String name, String preamble, String body, @Nullable String many,
      @Nullable String manyEnd) {
    this.name = name;
    this.many = many;
    this.manyEnd = manyEnd;
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
    return new LuaScript(name, source.toString(), read(name), null, null);
  }

  /**
   * This script with a many form for its combined form: {@code lua/NAME-many.lua} runs before the
   * calls; it declares the local {@code combinedMany}, true where the many form pays (say, from a
   * few calls on), and then sets the local {@code one} to a function of ARGV that does what the body
   * does. {@code lua/NAME-many-end.lua} runs after the calls when {@code combinedMany}, also when
   * some failed. So a many form can leave work to be done once for all calls, in locals of its own,
   * while the script alone runs its body as it is and a combined call of few runs the body after a
   * test or two. Only {@link #combined} uses the many form: this script's own source and SHA stay
   * those of the plain body.
   */
  LuaScript withMany() {
    return new LuaScript(name, preamble, body, read(name + "-many"), read(name + "-many-end"));
  }

  /**
   * This script's combined form: one call runs this script's body for many calls with the same
   * KEYS, in order, each under {@code pcall}. ARGV is {@code argc, args...} per call; the reply has
   * one entry per call, its reply or its error. The shared helpers run once per combined call
   * instead of once per call, and Redis reads, looks up and answers one command instead of many.
   * Only for bodies that read KEYS and ARGV only through the preamble and {@code ARGV[i]} (the body
   * runs as a function whose parameter is named ARGV) and end in {@code return}.
   *
   * <p>With a many form ({@link #withMany}), a combined call of three adds or more runs that instead
   * of the body.
   */
  LuaScript combined() {
    String source;
    if (many == null) {
      source = "local function one(ARGV)\n" + body + "\nend\n" + COMBINED_DRIVER;
    } else {
      source = "local one\n" + many + "\nif not one then\none = function(ARGV)\n" + body + "\nend\nend\n"
          + COMBINED_DRIVER + "if combinedMany then\n" + manyEnd + "\nend\n";
    }
    return new LuaScript(name + "+combined", preamble, source + "return combinedOut\n", null, null);
  }

  String name() {
    return name;
  }

  /** A script from source text; for tests of the batcher. */
  static LuaScript of(String name, String source) {
    return new LuaScript(name, "", source, null, null);
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
