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
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** {@link RedisBaseImageCache} against a real redis-server: the contract, and what is Redis-specific. */
class RedisBaseImageCacheTest extends BaseImageCacheContract {
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create();
  private static RedisBaseImageCache cache;

  @BeforeAll
  static void connect() {
    cache = RedisBaseImageCache.builder().url(server.url()).build();
  }

  @AfterAll
  static void disconnect() {
    cache.close();
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
    String url = RedisTestServer.stoppedServerUrl();
    try (RedisBaseImageCache c = RedisBaseImageCache.builder().url(url).build()) {
      assertThatThrownBy(() -> c.get("k")).isInstanceOf(StorageException.class)
          .hasMessageContaining("'k'")
          .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isTrue());
    }
  }

  @Test
  void aRedisRestartIsNotTakenForAMiss() {
    try (RedisTestServer aof = RedisTestServer.start(true);
        RedisBaseImageCache fromUrl = RedisBaseImageCache.builder().url(aof.url()).build();
        // a client of the caller's with Jedis' default pool, which does not test on borrow
        RedisClient client = RedisClient.create("127.0.0.1", aof.port());
        RedisBaseImageCache fromClient = RedisBaseImageCache.builder().client(client).build()) {
      fromUrl.put("paid", new byte[] {1, 2, 3}, Duration.ofMinutes(5));
      assertThat(fromClient.get("paid")).isPresent(); // both pools now hold an idle connection

      aof.crashAndRestart();

      assertThat(fromUrl.get("paid")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
      assertThat(fromClient.get("paid")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
    }
  }
}
