package com.snapasset.spring;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** {@link SnapAssetHealth} as a Spring Boot 3 health indicator. */
final class Boot3HealthIndicator implements HealthIndicator {
  private final SnapAssetHealth health;

  Boot3HealthIndicator(SnapAssetHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    SnapAssetHealth.Result r = health.check();
    return (r.up() ? Health.up() : Health.down()).withDetails(r.details()).build();
  }
}
