package com.snapasset.spi;

import com.snapasset.ImageOptions;
import java.util.Objects;

/**
 * What an {@link ImageProvider} is asked to draw.
 *
 * @param prompt the user's text
 * @param options model, quality, style and size
 */
public record ImagePrompt(String prompt, ImageOptions options) {
  /**
   * Checks the components; see the class description.
   *
   * @param prompt the user's text
   * @param options model, quality, style and size
   */
  public ImagePrompt {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(options, "options");
  }
}
