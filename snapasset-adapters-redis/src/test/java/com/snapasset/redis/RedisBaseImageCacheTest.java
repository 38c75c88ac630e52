package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.StorageException;
import com.snapasset.spi.BaseImageCache;
import com.snapasset.spi.BaseImageCacheContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RedisBaseImageCache} against a real redis-server: the contract, and what is Redis-specific. */
class RedisBaseImageCacheTest extends BaseImageCacheContract {
  private static RedisTestServer server;
  private static RedisBaseImageCache cache;

  @BeforeAll
  static void start() {
    server = RedisTestServer.start();
    cache = RedisBaseImageCache.builder().url(server.url()).build();
  }

  @AfterAll
  static void stop() {
    cache.close();
    server.close();
  }

  @Override
  protected BaseImageCache createCache() {
    return cache;
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
  void rejectsANonPositiveTtl() {
    assertThatThrownBy(() -> cache.put("k", new byte[0], Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
  }

  @Test
  void unreachableRedisIsARetryableStorageException() {
    RedisTestServer gone = RedisTestServer.start();
    String url = gone.url();
    gone.close();
    try (RedisBaseImageCache c = RedisBaseImageCache.builder().url(url).build()) {
      assertThatThrownBy(() -> c.get("k")).isInstanceOf(StorageException.class)
          .hasMessageContaining("'k'")
          .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isTrue());
    }
  }
}
