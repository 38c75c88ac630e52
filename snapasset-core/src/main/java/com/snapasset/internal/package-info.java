/**
 * The engine: pipeline, worker loop, retry and backoff decisions, lock renewal, stalled-job sweep.
 *
 * <p><b>Not API.</b> Types here are public only so that {@code com.snapasset} can use them; they
 * may change in any release. Use {@link com.snapasset.AssetGenerator} instead.
 */
@NullMarked
package com.snapasset.internal;

import org.jspecify.annotations.NullMarked;
