/**
 * SnapAsset: one text prompt in, publish-ready images for every social platform out.
 *
 * <p>Start with {@link com.snapasset.AssetGenerator#builder()}. Everything in this package is
 * public API; the ports that adapters implement are in {@link com.snapasset.spi}. Nothing under
 * {@code com.snapasset.internal} is API.
 */
@NullMarked
package com.snapasset;

import org.jspecify.annotations.NullMarked;
