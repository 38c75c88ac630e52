package com.snapasset.spi;

/**
 * A decoded source image, made by an {@link ImageProcessor}. Immutable once made; safe to render
 * from many threads.
 *
 * <p>An implementation that holds something worth letting go before the image is collected
 * (caches of resampled pixels, native memory) may also implement {@link AutoCloseable}: the engine
 * then calls {@code close()} once per job, after the last {@link ImageProcessor#render} call for
 * that job has returned (also when the job failed or was cancelled) and never while one runs; no
 * render of that job follows it.
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
