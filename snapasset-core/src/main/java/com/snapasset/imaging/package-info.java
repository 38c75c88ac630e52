/**
 * The default {@link com.snapasset.spi.ImageProcessor}: pure Java (Java2D, Thumbnailator, ImageIO),
 * nothing native needed for PNG and JPEG.
 */
@NullMarked
package com.snapasset.imaging;

import org.jspecify.annotations.NullMarked;
