/**
 * Adapters that need nothing installed: an in-memory job queue, base-image cache, asset storage and
 * catalog, a file-system asset storage and an offline placeholder image provider. They are what
 * {@code AssetGenerator.builder().build()} uses when nothing else is configured, and they pass the
 * same contract suites as the Redis, S3 and JDBC adapters.
 */
@NullMarked
package com.snapasset.embedded;

import org.jspecify.annotations.NullMarked;
