package com.snapasset.spi;

import com.snapasset.OutputOptions;
import com.snapasset.Platform;
import java.util.Objects;

/**
 * One output to render.
 *
 * @param width target width in pixels
 * @param height target height in pixels
 * @param output format, quality, fit and crop position
 */
public record Rendition(int width, int height, OutputOptions output) {
  /**
   * Checks the components; see the class description.
   *
   * @param width target width in pixels
   * @param height target height in pixels
   * @param output format, quality, fit and crop position
   */
  public Rendition {
    Objects.requireNonNull(output, "output");
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("rendition size must be positive, was " + width + "x" + height);
    }
  }

  /**
   * A rendition of a platform's exact size.
   *
   * @param platform the platform
   * @param output format, fit and encoder settings
   * @return the rendition
   */
  public static Rendition of(Platform platform, OutputOptions output) {
    return new Rendition(platform.width(), platform.height(), output);
  }
}
