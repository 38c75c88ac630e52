package com.snapasset.spring;

import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.redis.RedisTls;
import com.snapasset.spi.JobQueue;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The job queue: Redis when a URL is set, else in memory. */
final class QueueConfiguration {
  private static final Logger log = LoggerFactory.getLogger(QueueConfiguration.class);

  private QueueConfiguration() {}

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedisJobQueue.class)
  @ConditionalOnProperty(prefix = "snapasset.queue", name = "redis-url")
  @ConditionalOnMissingBean(JobQueue.class)
  static class Redis {
    @Bean
    RedisJobQueue snapAssetJobQueue(SnapAssetProperties properties, ApplicationContext context) {
      JedisCheck.requireSupportedJedis(context.getClassLoader());
      SnapAssetProperties.Queue q = properties.getQueue();
      String url = Objects.requireNonNull(q.getRedisUrl());
      RedisJobQueue.Builder b = RedisJobQueue.builder()
          .url(url)
          .queueName(q.getName())
          .keyPrefix(q.getKeyPrefix())
          .maxConnections(q.getMaxConnections());
      RedisTls tls = RedisTlsSettings.forUrl(properties, context, url, "snapasset.queue.redis-url");
      if (tls != null) {
        b.tls(tls);
      }
      RedisJobQueue queue = b.build();
      log.info("SnapAsset job queue: {}", queue);
      return queue;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(JobQueue.class)
  static class InMemory {
    @Bean
    InMemoryJobQueue snapAssetJobQueue(SnapAssetProperties properties) {
      if (properties.getQueue().getRedisUrl() != null) {
        throw Misconfiguration.missingModule("snapasset.queue.redis-url", "snapasset-adapters-redis");
      }
      log.info("SnapAsset job queue: in memory (jobs are lost on restart; set snapasset.queue.redis-url to share "
          + "a durable queue)");
      return InMemoryJobQueue.create();
    }
  }
}
