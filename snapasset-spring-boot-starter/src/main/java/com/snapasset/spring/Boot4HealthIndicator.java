package com.snapasset.spring;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** {@link SnapAssetHealth} as a Spring Boot 4 health indicator. */
final class Boot4HealthIndicator implements HealthIndicator {
  private final SnapAssetHealth health;

  Boot4HealthIndicator(SnapAssetHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    SnapAssetHealth.Result r = health.check();
    return (r.up() ? Health.up() : Health.down()).withDetails(r.details()).build();
  }
}
