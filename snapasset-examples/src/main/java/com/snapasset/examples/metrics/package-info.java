/**
 * Observability for the example server and worker: Micrometer meters fed by the engine's
 * listeners ({@link com.snapasset.examples.metrics.SnapAssetMetrics}), request statistics of the
 * HTTP server ({@link com.snapasset.examples.metrics.RequestStats}) and the performance guide's
 * alert rules ({@link com.snapasset.examples.metrics.AlertMonitor}).
 */
@NullMarked
package com.snapasset.examples.metrics;

import org.jspecify.annotations.NullMarked;
