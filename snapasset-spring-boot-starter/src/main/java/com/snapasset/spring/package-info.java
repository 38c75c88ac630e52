/**
 * Spring Boot 3.5 / 4.0 auto-configuration of SnapAsset: {@link
 * com.snapasset.spring.SnapAssetProperties} ({@code snapasset.*}), {@link
 * com.snapasset.spring.SnapAssetAutoConfiguration} (the ports, an {@code AssetGenerator} bean and
 * the worker) and {@link com.snapasset.spring.SnapAssetHealthAutoConfiguration} (an Actuator health
 * indicator). Everything else here is package-private.
 */
@NullMarked
package com.snapasset.spring;

import org.jspecify.annotations.NullMarked;
