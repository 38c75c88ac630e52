package com.snapasset.spi;

/**
 * A decoded source image, made by an {@link ImageProcessor}. Immutable once made; safe to render
 * from many threads.
 */
public interface DecodedImage {
  /**
   * Width in pixels, after EXIF orientation.
   *
   * @return pixels
   */
  int width();

  /**
   * Height in pixels, after EXIF orientation.
   *
   * @return pixels
   */
  int height();
}
