package com.snapasset.redis;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.Pool;

/**
 * The one place that turns an endpoint (a parsed URL) and TLS settings into a Jedis client: a
 * pooled {@link RedisClient}, a {@link RedisClusterClient} or a {@link RedisSentinelClient}.
 */
final class RedisClients {
  /** Attempts of one cluster command across redirections and reconnections. */
  private static final int CLUSTER_MAX_ATTEMPTS = 5;
  /** How long one cluster command keeps retrying; covers a replica's promotion. */
  private static final Duration CLUSTER_MAX_RETRY = Duration.ofSeconds(5);
  /** Learn a changed topology (failover, resharding) even when no command was redirected. */
  private static final Duration CLUSTER_TOPOLOGY_REFRESH = Duration.ofSeconds(5);

  private RedisClients() {}

  /** Parses a URL for a builder; the error never repeats the URL (it may hold a password). */
  static RedisEndpoint parse(String url) {
    return RedisEndpoint.parse(url);
  }

  /**
   * A client for the endpoint, which the caller owns. Cluster and Sentinel clients connect now,
   * so an unreachable Redis fails here with a {@link redis.clients.jedis.exceptions.JedisException}.
   *
   * @param tls settings for {@code rediss} endpoints; null for the JVM's defaults
   */
  static UnifiedJedis create(RedisEndpoint endpoint, @Nullable RedisTls tls, int maxConnections) {
    if (tls != null && !endpoint.tls()) {
      throw new IllegalArgumentException("TLS settings were given for a URL without TLS: use rediss://, "
          + "rediss-cluster:// or rediss-sentinel:// (" + endpoint + ")");
    }
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
    JedisClientConfig config = clientConfig(endpoint, tls, true);
    LinkedHashSet<redis.clients.jedis.HostAndPort> hosts = new LinkedHashSet<>(endpoint.hosts());
    return switch (endpoint.topology()) {
      case STANDALONE -> RedisClient.builder().hostAndPort(endpoint.hosts().get(0))
          .clientConfig(config).poolConfig(pool).build();
      case CLUSTER -> RedisClusterClient.builder().nodes(hosts).clientConfig(config).poolConfig(pool)
          .maxAttempts(CLUSTER_MAX_ATTEMPTS).maxTotalRetriesDuration(CLUSTER_MAX_RETRY)
          .topologyRefreshPeriod(CLUSTER_TOPOLOGY_REFRESH).build();
      case SENTINEL -> RedisSentinelClient.builder().masterName(endpoint.masterName()).sentinels(hosts)
          .clientConfig(config).sentinelClientConfig(clientConfig(endpoint, tls, false))
          .poolConfig(pool).build();
    };
  }

  /**
   * Where a queue's pipelined script batches get their connection: the pool of a standalone
   * client, the pool of the node serving the key's slot in a cluster (a redirection makes the
   * batcher ask again), or the pool of the master Sentinel names now (replaced on a failover).
   * Null for other clients, which then run each call through the client itself.
   */
  static @Nullable Supplier<Connection> masterConnections(UnifiedJedis client, String key) {
    if (client instanceof RedisClient standalone) {
      Pool<Connection> pool = pool(standalone);
      return pool == null ? null : pool::getResource;
    }
    if (client instanceof RedisClusterClient cluster) {
      int slot = JedisClusterCRC16.getSlot(key);
      return () -> cluster.getConnectionFromSlot(slot);
    }
    if (client instanceof RedisSentinelClient sentinel) {
      return () -> sentinel.getPrimaryNodesConnectionMap().values().iterator().next().getResource();
    }
    return null;
  }

  /**
   * The pool of a standalone client; null for one built with a connection provider of its own
   * ({@code RedisClient.builder().connectionProvider(..)}), which need not pool.
   */
  static @Nullable Pool<Connection> pool(RedisClient client) {
    try {
      return client.getPool();
    } catch (ClassCastException e) {
      return null; // getPool() casts the provider to PooledConnectionProvider
    }
  }

  /** Whether keys of one script call must be declared for Redis Cluster's routing and checks. */
  @SuppressWarnings("deprecation") // JedisCluster: still what some users hand to client(..)
  static boolean isCluster(UnifiedJedis client) {
    return client instanceof RedisClusterClient || client instanceof JedisCluster;
  }

  private static JedisClientConfig clientConfig(RedisEndpoint endpoint, @Nullable RedisTls tls, boolean master) {
    DefaultJedisClientConfig.Builder c = DefaultJedisClientConfig.builder()
        .clientName("snapasset");
    if (master) {
      c.user(endpoint.user()).password(endpoint.password()).database(endpoint.database());
    } else {
      // Sentinels speak RESP2 to Jedis' listener; without this it warns on every connection.
      c.autoNegotiateProtocol(false);
    }
    if (endpoint.tls()) {
      // Defaults: the JVM's trust store and a host-name check (SslVerifyMode.FULL).
      c.sslOptions(tls != null ? tls.sslOptions() : SslOptions.defaults());
    }
    return c.build();
  }
}
