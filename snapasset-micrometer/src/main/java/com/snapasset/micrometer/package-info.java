/**
 * Micrometer metrics for SnapAsset: {@link com.snapasset.micrometer.SnapAssetMetrics}, a {@code
 * MeterBinder} fed by an {@link com.snapasset.AssetGenerator}'s listeners, and {@link
 * com.snapasset.micrometer.ScalingPolicy}, the performance guide's thresholds for adding workers,
 * published as the {@code snapasset.workers.desired} gauge an autoscaler (KEDA, a Kubernetes HPA)
 * can read.
 */
@NullMarked
package com.snapasset.micrometer;

import org.jspecify.annotations.NullMarked;
