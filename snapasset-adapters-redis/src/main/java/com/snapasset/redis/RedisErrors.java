package com.snapasset.redis;

import com.snapasset.QueueException;
import com.snapasset.StorageException;
import javax.net.ssl.SSLException;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/** The one place where Jedis exceptions become SnapAsset exceptions. */
final class RedisErrors {
  /** Far deeper than any real chain (Jedis wraps a handshake failure two or three times). */
  static final int MAX_CAUSE_DEPTH = 16;

  private RedisErrors() {}

  static QueueException queue(String queueName, String operation, JedisException e) {
    return new QueueException(
        "Redis job queue '" + queueName + "': " + operation + " failed: " + describe(e), e);
  }

  /**
   * Lost connections, timeouts and a busy or loading server may pass; refused credentials and
   * wrong-type keys will not.
   */
  static StorageException cache(String key, String operation, JedisException e) {
    String message = "Redis base-image cache: " + operation + " of key '" + key + "' failed: " + describe(e);
    return isRetryable(e)
        ? StorageException.retryable(message, e)
        : StorageException.permanent(message, e);
  }

  /** A cache whose Cluster or Sentinel client could not connect while being built. */
  static StorageException cacheConnect(RedisEndpoint endpoint, JedisException e) {
    String message = "Redis result cache: cannot connect to " + endpoint + ": " + describe(e);
    return isRetryable(e) ? StorageException.retryable(message, e) : StorageException.permanent(message, e);
  }

  static boolean isRetryable(JedisException e) {
    if (e instanceof JedisAccessControlException) {
      return false;
    }
    if (e instanceof JedisConnectionException) {
      return true;
    }
    if (e instanceof JedisClusterOperationException) {
      // Out of attempts while a master was unreachable or the topology changing (failover).
      return true;
    }
    String m = String.valueOf(e.getMessage());
    return m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("TRYAGAIN")
        || m.startsWith("CLUSTERDOWN") || m.startsWith("MASTERDOWN") || m.startsWith("READONLY");
  }

  private static String describe(JedisException e) {
    // Jedis messages name host and port at most, never the password of a URL.
    return e.getClass().getSimpleName() + ": " + e.getMessage() + tlsCause(e);
  }

  /**
   * Why a TLS handshake failed (an untrusted certificate, a host name it does not name, no protocol
   * or cipher both sides accept), which Jedis' "Failed to create socket." leaves to the cause chain.
   * The JDK's messages name certificates, alerts and algorithms, never a password. The walk stops
   * after {@value #MAX_CAUSE_DEPTH} causes: a chain that loops (A caused by B caused by A) must not
   * hang the error path.
   */
  private static String tlsCause(Throwable e) {
    Throwable t = e.getCause();
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
      if (t instanceof SSLException) {
        String m = String.valueOf(t.getMessage());
        return String.valueOf(e.getMessage()).contains(m) ? "" : " (TLS: " + m + ")";
      }
    }
    return "";
  }
}
