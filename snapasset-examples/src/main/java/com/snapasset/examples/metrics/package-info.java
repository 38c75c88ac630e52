/**
 * Observability for the example server and worker, on top of snapasset-micrometer's meters
 * ({@link com.snapasset.micrometer.SnapAssetMetrics}): request statistics of the HTTP server
 * ({@link com.snapasset.examples.metrics.RequestStats}) and the performance guide's alert rules
 * ({@link com.snapasset.examples.metrics.AlertMonitor}).
 */
@NullMarked
package com.snapasset.examples.metrics;

import org.jspecify.annotations.NullMarked;
