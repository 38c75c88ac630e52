package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.StorageException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.exceptions.JedisConnectionException;

class RedisErrorsTest {

  /** Two exceptions that cause each other: A caused by B caused by A. */
  private static RuntimeException loop(Throwable inner) {
    RuntimeException a = new RuntimeException("a");
    a.initCause(inner);
    inner.initCause(a);
    return a;
  }

  // The timeout only turns a regression (an endless walk of the loop) into a failure instead of a
  // hung build; the walk itself takes microseconds.
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aCauseLoopWithoutTlsEndsTheWalk() {
    JedisConnectionException e = new JedisConnectionException("Failed to create socket.",
        loop(new RuntimeException("b")));
    StorageException s = RedisErrors.cache("k", "get", e);
    assertThat(s.getMessage())
        .isEqualTo("Redis base-image cache: get of key 'k' failed: JedisConnectionException: Failed to create socket.");
    assertThat(s.isRetryable()).isTrue();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aTlsCauseInsideALoopIsStillNamed() {
    JedisConnectionException e = new JedisConnectionException("Failed to create socket.",
        loop(new SSLHandshakeException("Received fatal alert: handshake_failure")));
    assertThat(RedisErrors.queue("q", "add", e).getMessage())
        .endsWith("Failed to create socket. (TLS: Received fatal alert: handshake_failure)");
  }

  @Test
  void aTlsCauseDeeperThanTheLimitIsNotSought() {
    Throwable deep = new SSLHandshakeException("too deep");
    for (int i = 0; i < RedisErrors.MAX_CAUSE_DEPTH; i++) {
      deep = new RuntimeException("wrap " + i, deep);
    }
    JedisConnectionException e = new JedisConnectionException("Failed to create socket.", deep);
    assertThat(RedisErrors.queue("q", "add", e).getMessage()).doesNotContain("TLS:");
    // One link less and it is found.
    JedisConnectionException near = new JedisConnectionException("Failed to create socket.", deep.getCause());
    assertThat(RedisErrors.queue("q", "add", near).getMessage()).contains("(TLS: too deep)");
  }
}
