package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.StorageException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RedisResultCache} against a real redis-server. */
class RedisResultCacheTest {
  private static RedisTestServer server;
  private static RedisResultCache cache;

  @BeforeAll
  static void start() {
    server = RedisTestServer.start();
    cache = RedisResultCache.builder().url(server.url()).build();
  }

  @AfterAll
  static void stop() {
    cache.close();
    server.close();
  }

  @Test
  void storesEveryByteValue() {
    byte[] all = new byte[512];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    cache.put("bin", all, Duration.ofMinutes(1));
    assertThat(cache.get("bin")).hasValueSatisfying(v -> assertThat(v).isEqualTo(all));
  }

  @Test
  void expiresAfterItsTtl() {
    cache.put("short", new byte[] {1}, Duration.ofMillis(50));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (cache.get("short").isPresent() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // poll with a deadline
    }
    assertThat(cache.get("short")).isEmpty();
  }

  @Test
  void invalidateRemoves() {
    cache.put("k", new byte[] {1, 2}, Duration.ofMinutes(1));
    cache.invalidate("k");
    assertThat(cache.get("k")).isEmpty();
  }

  @Test
  void rejectsANonPositiveTtl() {
    assertThatThrownBy(() -> cache.put("k", new byte[0], Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
  }

  @Test
  void unreachableRedisIsARetryableStorageException() {
    RedisTestServer gone = RedisTestServer.start();
    String url = gone.url();
    gone.close();
    try (RedisResultCache c = RedisResultCache.builder().url(url).build()) {
      assertThatThrownBy(() -> c.get("k")).isInstanceOf(StorageException.class)
          .hasMessageContaining("'k'")
          .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isTrue());
    }
  }
}
