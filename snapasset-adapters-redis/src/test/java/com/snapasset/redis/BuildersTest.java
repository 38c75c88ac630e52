package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Builders check each argument at once and name it; no message repeats a password. */
class BuildersTest {

  @Test
  void urlMustBeRedisOrRediss() {
    assertThatThrownBy(() -> RedisJobQueue.builder().url("http://user:hunter2@example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> RedisBaseImageCache.builder().url("redis://:hunter2@exa mple.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("url")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void queueNameAndPrefixAreChecked() {
    assertThatThrownBy(() -> RedisJobQueue.builder().queueName("a}b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueName");
    assertThatThrownBy(() -> RedisJobQueue.builder().keyPrefix("x{y"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> RedisJobQueue.builder().maxConnections(1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnections");
  }

  @Test
  void buildNeedsAUrlOrAClient() {
    assertThatThrownBy(() -> RedisJobQueue.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("url");
    assertThatThrownBy(() -> RedisBaseImageCache.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("url");
  }
}
