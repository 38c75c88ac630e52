package com.snapasset.spi;

/**
 * A decoded source image, made by an {@link ImageProcessor}. Immutable once made; safe to render
 * from many threads.
 *
 * <p>An implementation that holds something worth letting go before the image is collected
 * (caches of resampled pixels, native memory) may also implement {@link AutoCloseable}. The engine
 * decodes a fresh image for every job and calls {@code close()} once per job, after the last
 * {@link ImageProcessor#render} call for that job has returned (also when the job failed or was
 * cancelled, before or while rendering), never while one of them runs; no render of that job
 * follows it. It is called on the job's thread or on a render thread; the exceptions it throws are
 * logged and ignored. A render that never returns means {@code close()} is never called.
 *
 * <p>A processor whose {@code decode} hands one instance to several jobs gets one {@code close()}
 * per job, possibly while another job renders from it: such an image must count references, or not
 * implement {@code AutoCloseable}.
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
