package com.snapasset.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Cluster, Sentinel and TLS tests need a {@code redis-server} 7 on PATH (Debian's package; CI
 * installs it through {@code .ci/run}): the bundled embedded-redis binary is 6.2 without TLS. Such a
 * test fails with instructions when none is installed; with {@code -Dsnapasset.test.embeddedRedis=true}
 * (the bundled binary asked for on purpose) it is skipped, reported as skipped.
 */
public final class RedisServerVersion {
  private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.");

  private RedisServerVersion() {}

  /**
   * Fails (or, with the bundled binary asked for, skips) unless redis-server 7+ is on PATH.
   *
   * @param what the tests that need it, for the message
   */
  public static void requireRedis7(String what) {
    Assumptions.assumeFalse(Boolean.getBoolean("snapasset.test.embeddedRedis"),
        what + " needs redis-server 7; skipped because -Dsnapasset.test.embeddedRedis=true asks for the bundled 6.2");
    Path binary;
    String version;
    try {
      binary = RedisTestServer.binary();
      Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run redis-server --version", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Matcher m = VERSION.matcher(version);
    if (!binary.getFileName().toString().equals("redis-server") || !m.find() || Integer.parseInt(m.group(1)) < 7) {
      throw new IllegalStateException(what + " needs redis-server 7 or newer on PATH (found " + binary + ": "
          + version.strip() + "). Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install "
          + "redis; CI: bash .ci/run does it), or run with -Dsnapasset.test.embeddedRedis=true to skip these tests.");
    }
  }
}
