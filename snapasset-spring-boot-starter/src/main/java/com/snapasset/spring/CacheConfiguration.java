package com.snapasset.spring;

import com.snapasset.ConfigurationException;
import com.snapasset.embedded.InMemoryBaseImageCache;
import com.snapasset.redis.RedisBaseImageCache;
import com.snapasset.redis.RedisTls;
import com.snapasset.spi.BaseImageCache;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The base-image cache: Redis when a Redis URL is known (unless memory is asked for), else memory. */
final class CacheConfiguration {
  private static final Logger log = LoggerFactory.getLogger(CacheConfiguration.class);

  private CacheConfiguration() {}

  /** The cache's own Redis URL, else the queue's, else null. */
  static @Nullable String redisUrl(SnapAssetProperties properties) {
    String own = properties.getCache().getRedisUrl();
    return own != null ? own : properties.getQueue().getRedisUrl();
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedisBaseImageCache.class)
  @Conditional(RedisWanted.class)
  @ConditionalOnMissingBean(BaseImageCache.class)
  static class Redis {
    @Bean
    RedisBaseImageCache snapAssetBaseImageCache(SnapAssetProperties properties, ApplicationContext context) {
      String url = redisUrl(properties);
      if (url == null) {
        throw new ConfigurationException("snapasset.cache.type=redis needs snapasset.cache.redis-url or "
            + "snapasset.queue.redis-url");
      }
      JedisCheck.requireSupportedJedis(context.getClassLoader());
      RedisBaseImageCache.Builder b = RedisBaseImageCache.builder()
          .url(url)
          .keyPrefix(properties.getQueue().getKeyPrefix());
      RedisTls tls = RedisTlsSettings.forUrl(properties, context, url, properties.getCache().getRedisUrl() != null
          ? "snapasset.cache.redis-url" : "snapasset.queue.redis-url");
      if (tls != null) {
        b.tls(tls);
      }
      RedisBaseImageCache cache = b.build();
      log.info("SnapAsset result cache: {}", cache);
      return cache;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(BaseImageCache.class)
  static class InMemory {
    @Bean
    InMemoryBaseImageCache snapAssetBaseImageCache(SnapAssetProperties properties) {
      if (properties.getCache().getType() == SnapAssetProperties.CacheType.REDIS) {
        throw Misconfiguration.missingModule("snapasset.cache.type=redis", "snapasset-adapters-redis");
      }
      return InMemoryBaseImageCache.withMaxBytes(properties.getCache().getMaxBytes());
    }
  }

  /** {@code snapasset.cache.type} is redis, or auto with a Redis URL for the cache or the queue. */
  static final class RedisWanted extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Environment env = context.getEnvironment();
      String type = env.getProperty("snapasset.cache.type", "auto").trim();
      if (type.equalsIgnoreCase("redis")) {
        return ConditionOutcome.match("snapasset.cache.type is redis");
      }
      if (!type.equalsIgnoreCase("auto")) {
        return ConditionOutcome.noMatch("snapasset.cache.type is " + type);
      }
      boolean url = env.containsProperty("snapasset.cache.redis-url")
          || env.containsProperty("snapasset.queue.redis-url");
      return url ? ConditionOutcome.match("a Redis URL is set and snapasset.cache.type is auto")
          : ConditionOutcome.noMatch("no Redis URL is set");
    }
  }
}
