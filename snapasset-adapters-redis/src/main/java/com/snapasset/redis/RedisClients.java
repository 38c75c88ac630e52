package com.snapasset.redis;

import java.net.URI;
import java.net.URISyntaxException;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** Creates the Jedis client the builders use when given a URL. */
final class RedisClients {
  private RedisClients() {}

  /** Checks a {@code redis://} or {@code rediss://} URL; the message never repeats its password. */
  static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url is not a valid redis:// or rediss:// URL", null);
    }
    String scheme = uri.getScheme();
    if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
      throw new IllegalArgumentException("url must start with redis:// or rediss://");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("url must name a host");
    }
    return uri;
  }

  /** What a URL's user sees in messages: scheme, host and port, no credentials. */
  static String redacted(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
  }

  static UnifiedJedis create(URI uri, int maxConnections) {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(maxConnections);
    pool.setMaxIdle(maxConnections);
    pool.setMinIdle(0);
    // After a Redis restart every idle pooled connection is dead, and its first command would fail
    // ("Unexpected end of stream") and pass for an outage: a cache read that fails costs a paid
    // provider call. A PING on borrow (one loopback round trip; the queue's hot path runs on the
    // script batcher's own connection) replaces them first.
    pool.setTestOnBorrow(true);
    pool.setTestWhileIdle(true);
    pool.setBlockWhenExhausted(true);
    try {
      return RedisClient.builder().fromURI(uri).poolConfig(pool).build();
    } catch (JedisException e) {
      throw new IllegalArgumentException("cannot create a Redis client for " + redacted(uri), e);
    }
  }
}
