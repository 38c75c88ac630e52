package com.snapasset.spring;

import com.snapasset.AssetGenerator;
import com.snapasset.micrometer.SnapAssetMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link SnapAssetMetrics} (jobs, stage timings, queue depth and the {@code
 * snapasset.workers.desired} scaling gauge) when snapasset-micrometer and Micrometer are on the class
 * path. It is a {@code MeterBinder} bean: Spring Boot's metrics support (Boot 3 and 4 alike) binds it
 * to every meter registry, e.g. the one behind {@code /actuator/prometheus}. Turned off with {@code
 * management.metrics.snapasset.enabled=false}.
 */
@AutoConfiguration(after = SnapAssetAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, SnapAssetMetrics.class})
@ConditionalOnBean(AssetGenerator.class)
@ConditionalOnProperty(prefix = "management.metrics.snapasset", name = "enabled", havingValue = "true",
    matchIfMissing = true)
public class SnapAssetMetricsAutoConfiguration {

  /** Used by Spring. */
  public SnapAssetMetricsAutoConfiguration() {}

  /**
   * The generator's meters; closed (listeners removed) with the context.
   *
   * @param generator the generator to observe
   * @return the binder Spring Boot binds to its meter registries
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public SnapAssetMetrics snapAssetMetrics(AssetGenerator generator) {
    return SnapAssetMetrics.of(generator);
  }
}
