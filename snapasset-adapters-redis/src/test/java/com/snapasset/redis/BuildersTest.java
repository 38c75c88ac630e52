package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.QueueException;
import com.snapasset.StorageException;
import java.io.IOException;

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

  @Test
  void anUnreachableClusterOrSentinelIsARetryableErrorAtBuild() throws IOException {
    int a = RedisTestServer.freePort();
    int b = RedisTestServer.freePort();
    assertThatThrownBy(() -> RedisJobQueue.builder().url("redis://:hunter2@127.0.0.1:" + a + ",127.0.0.1:" + b).build())
        .isInstanceOf(QueueException.class)
        .hasMessageContaining("redis-cluster://127.0.0.1:" + a)
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> RedisBaseImageCache.builder().url("redis-sentinel://:hunter2@127.0.0.1:" + a + "#m").build())
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("redis-sentinel://127.0.0.1:" + a + "#m")
        .hasMessageNotContaining("hunter2")
        .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isTrue());
  }

  @Test
  void tlsProtocolsAndCiphersNeedNamesAndSayWhichSetting() {
    assertThatThrownBy(() -> RedisTls.builder().enabledProtocols())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("enabledProtocols must name at least one");
    assertThatThrownBy(() -> RedisTls.builder().ciphers("TLS_AES_128_GCM_SHA256", " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ciphers holds a blank name");
    assertThatThrownBy(() -> RedisTls.builder().ciphers((String) null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ciphers holds a blank name");
    assertThatThrownBy(() -> RedisTls.builder().protocol(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("protocol must not be blank");
    assertThatThrownBy(() -> RedisTls.builder().enabledProtocols((String[]) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("enabledProtocols");
    // The builder keeps its own copy: changing the caller's array later changes nothing.
    String[] protocols = {"TLSv1.3"};
    RedisTls.Builder b = RedisTls.builder().enabledProtocols(protocols);
    protocols[0] = "TLSv1";
    assertThat(b.build().toString()).contains("enabledProtocols=[TLSv1.3]").doesNotContain("protocol=");
    assertThat(RedisTls.builder().protocol("TLSv1.3").build().toString()).contains("protocol=TLSv1.3");
  }
}
