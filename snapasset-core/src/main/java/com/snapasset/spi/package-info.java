/**
 * The ports: what SnapAsset needs from the outside world, one small interface per capability.
 *
 * <p>Each port has stock implementations in {@link com.snapasset.embedded} (nothing installed) and
 * adapter modules (Redis, S3, OpenAI, JDBC), and one contract test suite in snapasset-core's
 * test-jar that every implementation's test extends. Implementations must be thread-safe and must
 * translate their drivers' exceptions into {@link com.snapasset.SnapAssetException} subclasses.
 */
@NullMarked
package com.snapasset.spi;

import org.jspecify.annotations.NullMarked;
