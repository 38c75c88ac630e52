package com.snapasset.spring;

import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.JobQueue;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers SnapAsset's health indicator ({@code /actuator/health} component {@code snapAsset}) when
 * Spring Boot's health support is on the class path: Boot 3's {@code
 * org.springframework.boot.actuate.health.HealthIndicator} or Boot 4's {@code
 * org.springframework.boot.health.contributor.HealthIndicator}, whichever the application runs.
 * Turned off with {@code management.health.snapasset.enabled=false}.
 */
@AutoConfiguration(after = SnapAssetAutoConfiguration.class)
@ConditionalOnBean({JobQueue.class, AssetStorage.class, ImageProvider.class})
@ConditionalOnProperty(prefix = "management.health.snapasset", name = "enabled", havingValue = "true",
    matchIfMissing = true)
public class SnapAssetHealthAutoConfiguration {

  /** Used by Spring. */
  public SnapAssetHealthAutoConfiguration() {}

  static SnapAssetHealth health(JobQueue queue, AssetStorage storage, ImageProvider provider) {
    return new SnapAssetHealth(queue, storage, provider);
  }

  /** Spring Boot 3.x. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  static class Boot3 {
    @Bean
    @ConditionalOnMissingBean(name = "snapAssetHealthIndicator")
    Boot3HealthIndicator snapAssetHealthIndicator(JobQueue queue, AssetStorage storage, ImageProvider provider) {
      return new Boot3HealthIndicator(health(queue, storage, provider));
    }
  }

  /** Spring Boot 4.x, where health contributors have a module of their own. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot4 {
    @Bean
    @ConditionalOnMissingBean(name = "snapAssetHealthIndicator")
    Boot4HealthIndicator snapAssetHealthIndicator(JobQueue queue, AssetStorage storage, ImageProvider provider) {
      return new Boot4HealthIndicator(health(queue, storage, provider));
    }
  }
}
