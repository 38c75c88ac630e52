/**
 * The Spring AI bridge: {@link com.snapasset.springai.SpringAiImageProvider} makes any Spring AI
 * {@code ImageModel} a SnapAsset {@link com.snapasset.spi.ImageProvider}.
 */
@NullMarked
package com.snapasset.springai;

import org.jspecify.annotations.NullMarked;
