/**
 * The default {@link com.snapasset.spi.ImageProcessor}: pure Java (Java2D, ImageIO, own resampler and PNG encoder),
 * nothing native needed for PNG and JPEG; WebP through the libwebp bundled in webp-imageio.
 */
@NullMarked
package com.snapasset.imaging;

import org.jspecify.annotations.NullMarked;
